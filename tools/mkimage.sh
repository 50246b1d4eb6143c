#!/bin/sh
# mkimage.sh OUT.img ESPDIR - builds a GPT disk image whose EFI system
# partition (FAT, made with mtools) holds the contents of ESPDIR.
# No root needed: the partition is formatted as a file and copied into place.
#
# Layout: 1 MiB for the protective MBR and the GPT, then the ESP
# (ESP_MIB, default 38), then room for the backup GPT.
set -eu
out=$1
espdir=$2
esp_mib=${ESP_MIB:-38}
total_mib=$((esp_mib + 2))
tmp="$out.esp.tmp"

rm -f "$tmp" "$out.tmp"
truncate -s "${esp_mib}M" "$tmp"
mformat -i "$tmp" -v BASALT -N 0x42415341 ::
# Copy the tree: directories first, then files (mtools wants parents to exist).
(cd "$espdir" && find . -mindepth 1 -type d | sort) | while read -r d; do
    mmd -i "$tmp" "::${d#./}"
done
(cd "$espdir" && find . -type f | sort) | while read -r f; do
    mcopy -i "$tmp" "$espdir/${f#./}" "::${f#./}"
done

truncate -s "${total_mib}M" "$out.tmp"
sgdisk -o -n "1:2048:+${esp_mib}M" -t 1:ef00 -c 1:"EFI system partition" "$out.tmp" >/dev/null
dd if="$tmp" of="$out.tmp" bs=1M seek=1 conv=notrunc status=none
rm -f "$tmp"
mv "$out.tmp" "$out"
