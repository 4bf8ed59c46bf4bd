#!/usr/bin/env bash
# Signs Bastion's image (target/bastion-image.tar) with a GPG key, as a containers/image "simple signing" signature:
# a GPG-signed statement "the manifest with digest D is REFERENCE", which skopeo, podman and CRI-O verify and
# enforce (policy.json signedBy; deploy/README.md#signing-the-image). Either
#   into a directory (dir:PATH: manifest.json, the blobs, signature-1) for offline verification and archiving, or
#   while pushing to a registry (docker://…): the signature goes to the lookaside store registries.d names for the
#   repository — a plain registry does not store simple signatures itself.
# The manifest is copied unchanged (--preserve-digests), so the digest signed is the digest build.sh printed.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: deploy/image/sign.sh --key FINGERPRINT [options] REFERENCE [DESTINATION]
  REFERENCE            the name the signature vouches for, with a tag: ghcr.io/bastion/bastion:0.1.0
  DESTINATION          dir:PATH, or docker://NAME to push (default: docker://REFERENCE)
  --key FINGERPRINT    the signing key's full fingerprint (40 hex digits)
  --gnupghome DIR      the GnuPG home holding the secret key (default: $GNUPGHOME, else ~/.gnupg)
  --passphrase-file F  the key's passphrase (first line); without it the key must have none or an agent must know it
  --registries.d DIR   registries.d with the lookaside (signature store) for the registry
  --authfile FILE      the registry's credentials (default: skopeo's, ${XDG_RUNTIME_DIR}/containers/auth.json)
  --cert-dir DIR       CA certificates (*.crt) of a registry with a private CA
  --image TAR          the image to sign (default: target/bastion-image.tar)
EOF
  exit 2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fingerprint="" image="$repo/target/bastion-image.tar"
skopeo_global=() copy_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --key) fingerprint="${2:-}"; shift 2 ;;
    --gnupghome) export GNUPGHOME="${2:?--gnupghome needs a directory}"; shift 2 ;;
    --passphrase-file) copy_opts+=(--sign-passphrase-file "${2:?--passphrase-file needs a file}"); shift 2 ;;
    --registries.d) skopeo_global+=(--registries.d "${2:?--registries.d needs a directory}"); shift 2 ;;
    --cert-dir) copy_opts+=(--dest-cert-dir "${2:?--cert-dir needs a directory}"); shift 2 ;;
    --authfile) copy_opts+=(--dest-authfile "${2:?--authfile needs a file}"); shift 2 ;;
    --image) image="${2:?--image needs a file}"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "sign.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
reference="$1" destination="${2:-docker://$1}"

# A short key id can be forged with a key of one's own that has the same last 8 or 16 digits: take the whole print.
[[ "$fingerprint" =~ ^[0-9A-Fa-f]{40}$ ]] || { echo "sign.sh: --key must be the key's full 40-digit fingerprint" >&2; exit 2; }
# The signature names a tag; a consumer's policy matches it exactly (a digest alone would say nothing new).
[[ "$reference" =~ ^([a-z0-9-]+(\.[a-z0-9-]+)+|localhost)(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] \
  || { echo "sign.sh: REFERENCE must be registry/repository:tag, e.g. ghcr.io/bastion/bastion:0.1.0" >&2; exit 2; }
case "$destination" in
  dir:?*|docker://?*) ;;
  *) echo "sign.sh: DESTINATION must be dir:PATH or docker://NAME" >&2; exit 2 ;;
esac
[ -f "$image" ] || { echo "sign.sh: $image is missing: build it with deploy/image/build.sh" >&2; exit 1; }
command -v skopeo >/dev/null || { echo "sign.sh: needs skopeo (apt-get install skopeo gnupg)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The source is this build's own output; trust it explicitly rather than through the machine's policy.json.
cat > "$work/policy.json" <<'EOF'
{"default": [{"type": "reject"}], "transports": {"oci-archive": {"": [{"type": "insecureAcceptAnything"}]}}}
EOF
skopeo "${skopeo_global[@]}" --policy "$work/policy.json" copy --quiet --preserve-digests \
  --sign-by "$fingerprint" --sign-identity "$reference" --digestfile "$work/digest" "${copy_opts[@]}" \
  "oci-archive:$image" "$destination"
echo "sign.sh: signed $(cat "$work/digest") as $reference with key $fingerprint into $destination"
