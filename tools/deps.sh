#!/bin/sh
# deps.sh [--check] - make sure the Debian packages Basalt's build, run and
# tests need are installed, and that Debian's Linux kernel is at hand as a
# measuring tool.
#
# As root it installs what is missing with apt-get (Debian's archive only;
# nothing is downloaded from anywhere else). As another user it prints the
# exact command to run and exits 1. With --check it only reports.
#
# Debian's kernel (package linux-image-amd64, for `make bench`'s Linux
# column and for testing user/init on Linux) is not installed: its .deb is
# fetched with `apt-get download` into $LINUX_DIR (default build/linux) and
# only /boot/vmlinuz-* is extracted, as $LINUX_DIR/vmlinuz. That step never
# fails the build: without it the Linux figures are reported as not run.
# Silent when everything is present.
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
busybox:busybox-static
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

here=$(cd "$(dirname "$0")/.." && pwd)
LINUX_DIR=${LINUX_DIR:-$here/build/linux}

# Debian's kernel image, unpacked from its .deb (no install into /boot).
fetch_linux() {
    [ -f "$LINUX_DIR/vmlinuz" ] && return 0
    [ "${1:-}" = "--check" ] && return 0
    command -v apt-get >/dev/null 2>&1 || return 0
    # The meta-package names the versioned image package it depends on.
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -1)
    if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq >&2 || true
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -1)
    fi
    if [ -z "$pkg" ]; then
        echo "deps: linux-image-amd64 not found in apt's lists; Linux figures will not be measured" >&2
        return 0
    fi
    echo "deps: fetching Debian's kernel ($pkg) into $LINUX_DIR" >&2
    mkdir -p "$LINUX_DIR/deb"
    rm -rf "$LINUX_DIR/x"
    if (cd "$LINUX_DIR/deb" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >&2) &&
        dpkg-deb -x "$LINUX_DIR"/deb/"$pkg"_*.deb "$LINUX_DIR/x" &&
        cp "$LINUX_DIR"/x/boot/vmlinuz-* "$LINUX_DIR/vmlinuz.tmp"; then
        mv "$LINUX_DIR/vmlinuz.tmp" "$LINUX_DIR/vmlinuz"
        basename "$LINUX_DIR"/x/boot/vmlinuz-* > "$LINUX_DIR/version"
    else
        echo "deps: could not fetch $pkg; Linux figures will not be measured" >&2
    fi
    rm -rf "$LINUX_DIR/x" "$LINUX_DIR/deb"
    return 0
}

if [ -z "$missing" ]; then
    fetch_linux "${1:-}"
    exit 0
fi

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
fetch_linux
