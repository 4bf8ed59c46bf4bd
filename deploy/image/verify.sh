#!/usr/bin/env bash
# Verifies a signature sign.sh made, the way podman and CRI-O enforce it: skopeo copies the image out of SOURCE under
# a policy.json that accepts it only when signed as REFERENCE by the key with FINGERPRINT (signedBy,
# exactReference) and every blob matches the signed manifest. Nothing else in the key file is trusted.
# Exit 0 and "verified sha256:…" on success; non-zero with skopeo's reason otherwise.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: deploy/image/verify.sh --key PUBLIC_KEY --fingerprint FINGERPRINT [options] REFERENCE [SOURCE]
  REFERENCE            the name the image must be signed as: ghcr.io/bastion/bastion:0.1.0
  SOURCE               dir:PATH (sign.sh's directory), or docker://NAME (default: docker://REFERENCE)
  --key FILE           the release's public key (gpg --export, armoured or not)
  --fingerprint FPR    the signing key's full fingerprint, as published with the release
  --registries.d DIR   registries.d with the lookaside (signature store) for the registry
  --authfile FILE      the registry's credentials
  --cert-dir DIR       CA certificates (*.crt) of a registry with a private CA
EOF
  exit 2
}

key="" fingerprint=""
skopeo_global=() copy_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key="${2:-}"; shift 2 ;;
    --fingerprint) fingerprint="${2:-}"; shift 2 ;;
    --registries.d) skopeo_global+=(--registries.d "${2:?--registries.d needs a directory}"); shift 2 ;;
    --cert-dir) copy_opts+=(--src-cert-dir "${2:?--cert-dir needs a directory}"); shift 2 ;;
    --authfile) copy_opts+=(--src-authfile "${2:?--authfile needs a file}"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "verify.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
reference="$1" source="${2:-docker://$1}"
# The same form sign.sh signs; it also goes into the policy below, so nothing else may.
[[ "$reference" =~ ^([a-z0-9-]+(\.[a-z0-9-]+)+|localhost)(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] \
  || { echo "verify.sh: REFERENCE must be registry/repository:tag, e.g. ghcr.io/bastion/bastion:0.1.0" >&2; exit 2; }
[ -f "$key" ] || { echo "verify.sh: --key must name the public key file" >&2; exit 2; }
[[ "$fingerprint" =~ ^[0-9A-Fa-f]{40}$ ]] || { echo "verify.sh: --fingerprint must be the key's full 40-digit fingerprint" >&2; exit 2; }
case "$source" in
  dir:?*) transport=dir ;;
  docker://?*) transport=docker ;;
  *) echo "verify.sh: SOURCE must be dir:PATH or docker://NAME" >&2; exit 2 ;;
esac
command -v skopeo >/dev/null && command -v gpg >/dev/null || { echo "verify.sh: needs skopeo and gpg (apt-get install skopeo gnupg)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'GNUPGHOME="$work/gnupg" gpgconf --kill all 2>/dev/null || true; rm -rf "$work"' EXIT
# Only the key with that fingerprint goes into the keyring the policy trusts, whatever else the file holds.
mkdir -m 700 "$work/gnupg"
GNUPGHOME="$work/gnupg" gpg --batch --quiet --import "$key" 2>/dev/null
GNUPGHOME="$work/gnupg" gpg --batch --export "$fingerprint" > "$work/trusted.gpg"
[ -s "$work/trusted.gpg" ] || { echo "verify.sh: $key holds no key with fingerprint $fingerprint" >&2; exit 1; }
cat > "$work/policy.json" <<EOF
{"default": [{"type": "reject"}],
 "transports": {"$transport": {"": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "$work/trusted.gpg",
   "signedIdentity": {"type": "exactReference", "dockerReference": "$reference"}}]}}}
EOF
# The copy checks the signature before it reads a blob, then each blob against the signed manifest.
skopeo "${skopeo_global[@]}" --policy "$work/policy.json" copy --quiet --digestfile "$work/digest" "${copy_opts[@]}" \
  "$source" "dir:$work/image"
echo "verify.sh: verified $(cat "$work/digest"): signed as $reference by $fingerprint"
