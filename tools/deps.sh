#!/bin/sh
# deps.sh [--check] - make sure the Debian packages Basalt's build, run and
# tests need are installed.
#
# As root it installs what is missing with apt-get (Debian's archive only;
# nothing is downloaded from anywhere else). As another user it prints the
# exact command to run and exits 1. With --check it only reports.
set -eu

# command-or-file : package
NEEDS="
clang:clang
ld.lld:lld
lld-link:lld
nm:binutils
objcopy:binutils
make:make
cc:gcc
mformat:mtools
mcopy:mtools
sgdisk:gdisk
cpio:cpio
qemu-system-x86_64:qemu-system-x86
/usr/share/ovmf/OVMF.fd:ovmf
/usr/include/efi/efi.h:gnu-efi
timeout:coreutils
python3:python3
musl-gcc:musl-tools
dash:dash
"

missing=""
for item in $NEEDS; do
    what=${item%%:*}
    pkg=${item#*:}
    case "$what" in
    /*) [ -e "$what" ] && continue ;;
    *) command -v "$what" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "${1:-}" = "--check" ]; then
    echo "deps: missing packages:$missing" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: Basalt needs these Debian packages:$missing" >&2
    echo "deps: run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
