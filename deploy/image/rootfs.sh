#!/usr/bin/env bash
# Builds the image's base root filesystem from Debian packages, the way distroless does: the packages named in
# packages.lock at the versions it pins, each .deb checked against its SHA-256 there, unpacked with dpkg-deb -x
# (no maintainer scripts run), then trimmed to what the JVM needs at run time. No shell, no package manager, no
# setuid/setgid file; /etc/passwd and /etc/group hold root and the non-root user bastion (65532).
#
#   deploy/image/rootfs.sh [OUT]        build into OUT (default target/image/rootfs)
#   deploy/image/rootfs.sh --update-lock   pin the candidate versions apt offers now (review the diff, commit it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lock="$here/packages.lock"
work="$repo/target/image"
debs="$work/debs"
mkdir -p "$debs"

# The packages, and why: the C library and the JVM's dynamic loader; libgcc_s and libstdc++ (onnxruntime's
# native library needs both); zlib (the JVM's libzip); CA certificates, zone data and netbase's /etc/services and
# /etc/protocols for the JVM and native code that read them; base-files only for /etc/os-release.
packages=(libc6 libgcc-s1 libstdc++6 zlib1g ca-certificates tzdata netbase base-files)

download() { # NAME=VERSION into $debs, refreshing apt's lists once if the version is not in them
  (cd "$debs" && apt-get download -q "$1" >/dev/null 2>&1) && return 0
  apt-get update -qq >/dev/null
  (cd "$debs" && apt-get download -q "$1")
}

if [ "${1:-}" = "--update-lock" ]; then
  apt-get update -qq >/dev/null
  {
    echo "# Debian packages of the image's base (deploy/image/rootfs.sh), pinned: name version sha256-of-the-.deb"
    echo "# Regenerate with: deploy/image/rootfs.sh --update-lock (then review and commit the diff)"
    for p in "${packages[@]}"; do
      v="$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')"
      [ -n "$v" ] && [ "$v" != "(none)" ] || { echo "rootfs: no candidate for $p" >&2; exit 1; }
      download "$p=$v" >/dev/null
      f="$(ls "$debs/${p}_"*"_"*.deb | grep -F "_$(echo "$v" | sed 's/:/%3a/')_" | head -1)"
      echo "$p $v $(sha256sum "$f" | cut -d' ' -f1)"
    done
  } > "$lock.new"
  mv "$lock.new" "$lock"
  echo "rootfs: wrote $lock"
  exit 0
fi

out="${1:-$work/rootfs}"
raw="$work/rootfs-raw"
rm -rf "$raw" "$out"
mkdir -p "$raw" "$out"

grep -v '^#' "$lock" | while read -r name version sum; do
  [ -n "$name" ] || continue
  file="$debs/${name}_$(echo "$version" | sed 's/^[0-9]*://')_$(dpkg --print-architecture).deb"
  [ -f "$file" ] || file="$debs/${name}_$(echo "$version" | sed 's/^[0-9]*://')_all.deb"
  if [ ! -f "$file" ] || ! echo "$sum  $file" | sha256sum -c --status -; then
    rm -f "$debs/${name}_"*.deb
    download "$name=$version"
    file="$(ls "$debs/${name}_"*.deb | head -1)"
  fi
  # the pin: a .deb whose checksum differs from the lock's is refused, whatever apt's own checks said
  echo "$sum  $file" | sha256sum -c --status - || { echo "rootfs: $file does not match its SHA-256 in $lock" >&2; exit 1; }
  dpkg-deb -x "$file" "$raw/$name"
  mkdir -p "$raw/status.d"
  { dpkg-deb -f "$file"; echo "Status: install ok installed"; } > "$raw/status.d/$name"
done

# Absolute symbolic links would be followed on this machine when copied: make them relative to the staging tree.
for pkg in "$raw"/*/; do
  find "$pkg" -type l | while read -r link; do
    target="$(readlink "$link")"
    case "$target" in /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$pkg$target")" "$link" ;; esac
  done
done

copy() { # copy PKG's PATHS (relative), links resolved inside the package, into the rootfs
  local pkg="$1"; shift
  for p in "$@"; do
    [ -e "$raw/$pkg/$p" ] || continue
    mkdir -p "$out/$(dirname "$p")"
    cp -rL "$raw/$pkg/$p" "$out/$(dirname "$p")/"
  done
}
copy libc6 lib64 lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu
copy libgcc-s1 lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu
copy libstdc++6 usr/lib/x86_64-linux-gnu
copy zlib1g lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu
copy netbase etc/services etc/protocols etc/rpc etc/ethertypes
copy base-files usr/lib/os-release
cp "$out/usr/lib/os-release" "$out/etc/os-release" 2>/dev/null || true
# zone data without the posix/ and right/ trees (links back into the tree itself)
mkdir -p "$out/usr/share/zoneinfo"
(cd "$raw/tzdata/usr/share/zoneinfo" && find . -type f ! -path './posix/*' ! -path './right/*' -print0 \
  | xargs -0 -I{} cp --parents {} "$out/usr/share/zoneinfo/")
cp "$out/usr/share/zoneinfo/Etc/UTC" "$out/etc/localtime"
echo "Etc/UTC" > "$out/etc/timezone"
# the CA bundle, as update-ca-certificates would write it (no script runs here)
mkdir -p "$out/etc/ssl/certs"
find "$raw/ca-certificates/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat > "$out/etc/ssl/certs/ca-certificates.crt"
# license texts of what is shipped, and dpkg's view of it for scanners (distroless' status.d layout)
for pkg in "${packages[@]}"; do
  [ -f "$raw/$pkg/usr/share/doc/$pkg/copyright" ] && install -D -m 644 "$raw/$pkg/usr/share/doc/$pkg/copyright" "$out/usr/share/doc/$pkg/copyright"
done
mkdir -p "$out/var/lib/dpkg/status.d"
cp "$raw/status.d/"* "$out/var/lib/dpkg/status.d/"
rm -rf "$out/usr/lib/x86_64-linux-gnu/gconv" "$out/usr/share/gcc" "$out/usr/share/gdb"

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
bastion:x:65532:65532:bastion:/var/lib/bastion:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
bastion:x:65532:
GROUP
echo "hosts: files dns" > "$out/etc/nsswitch.conf"
mkdir -p "$out/tmp" "$out/var/lib/bastion" "$out/root"
chmod 1777 "$out/tmp" "$out/var/lib/bastion"
chmod 700 "$out/root"
cp "$lock" "$out/var/lib/dpkg/packages.lock"

# nothing of a shell or a package manager, no set-id bit
for f in bin/sh bin/bash bin/dash usr/bin/dpkg usr/bin/apt usr/sbin/update-ca-certificates; do
  [ ! -e "$out/$f" ] || { echo "rootfs: $f must not be in the image" >&2; exit 1; }
done
find "$out" -perm /6000 -type f -exec chmod ug-s {} +
echo "rootfs: $(du -sh "$out" | cut -f1) in $out"
