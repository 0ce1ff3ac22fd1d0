#!/usr/bin/env bash
# Authenticode-signs Windows files in place with osslsigncode, or verifies them.
#
#   scripts/sign-windows.sh FILE...            sign each FILE
#   scripts/sign-windows.sh --verify FILE...   check each FILE's signature
#   scripts/sign-windows.sh --throwaway DIR    make a self-signed code-signing
#                                              certificate in DIR and print the
#                                              variables that select it
#
# The certificate: SIGN_PFX (a PKCS#12 file with the key and the chain) and
# its password, in SIGN_PASSWORD_FILE (a private file) or SIGN_PASSWORD.
# SIGN_TIMESTAMP_URL, when set, names an RFC 3161 time-stamp
# server, so that the signature outlives the certificate. SIGN_CAFILE, when
# set, is the root to verify against (the throwaway certificate's PEM);
# otherwise the system's roots are used.
#
# The password is handed to osslsigncode in a private file, never on a command
# line, and is never printed. --throwaway writes its random password to
# DIR/throwaway.pass.
set -euo pipefail

die() { echo "sign-windows: $*" >&2; exit 1; }

command -v osslsigncode >/dev/null || die "osslsigncode is not installed"

sign() {
  [ -n "${SIGN_PFX:-}" ] || die "SIGN_PFX is not set"
  [ -f "$SIGN_PFX" ] || die "SIGN_PFX: no such file"
  local passfile ts=() f
  if [ -n "${SIGN_PASSWORD_FILE:-}" ]; then
    passfile=$SIGN_PASSWORD_FILE
  else
    [ -n "${SIGN_PASSWORD+set}" ] || die "neither SIGN_PASSWORD_FILE nor SIGN_PASSWORD is set"
    passfile=$(mktemp)
    trap 'rm -f "$passfile"' RETURN
    chmod 600 "$passfile"
    printf '%s' "$SIGN_PASSWORD" >"$passfile"
  fi
  if [ -n "${SIGN_TIMESTAMP_URL:-}" ]; then
    ts=(-ts "$SIGN_TIMESTAMP_URL")
  fi
  for f in "$@"; do
    [ -f "$f" ] || die "$f: no such file"
    rm -f "$f.signed"
    osslsigncode sign -pkcs12 "$SIGN_PFX" -readpass "$passfile" \
      -n "DPG Certificates" -h sha256 "${ts[@]}" \
      -in "$f" -out "$f.signed" >/dev/null
    mv -f "$f.signed" "$f"
    echo "signed $(basename "$f")"
  done
}

verify() {
  local ca=() f out
  if [ -n "${SIGN_CAFILE:-}" ]; then
    ca=(-CAfile "$SIGN_CAFILE")
  fi
  for f in "$@"; do
    [ -f "$f" ] || die "$f: no such file"
    if ! out=$(osslsigncode verify "${ca[@]}" -in "$f" 2>&1); then
      echo "$out" >&2
      die "$f: the signature does not verify"
    fi
    echo "verified $(basename "$f"): $(grep -m1 'Subject:' <<<"$out" | sed 's/^[[:space:]]*//')"
  done
}

# throwaway DIR: a self-signed code-signing certificate, valid for 30 days,
# so that every build runs the signing path. It proves the mechanics, not
# the publisher: Windows shows such a file as from an unknown publisher.
throwaway() {
  local dir=$1
  mkdir -p "$dir"
  (umask 077 && openssl rand -hex 24 | tr -d '\n' >"$dir/throwaway.pass")
  openssl req -x509 -newkey rsa:3072 -sha256 -days 30 -nodes \
    -subj "/O=DPG/CN=DPG Certificates throwaway build signer" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=codeSigning" \
    -keyout "$dir/throwaway.key" -out "$dir/throwaway.pem" 2>/dev/null
  openssl pkcs12 -export \
    -inkey "$dir/throwaway.key" -in "$dir/throwaway.pem" \
    -out "$dir/throwaway.pfx" -passout "file:$dir/throwaway.pass"
  rm -f "$dir/throwaway.key"
  chmod 600 "$dir/throwaway.pfx"
  # For eval by the caller.
  printf 'SIGN_PFX=%q SIGN_PASSWORD_FILE=%q SIGN_CAFILE=%q\n' \
    "$dir/throwaway.pfx" "$dir/throwaway.pass" "$dir/throwaway.pem"
}

case "${1:-}" in
  --verify) shift; verify "$@" ;;
  --throwaway) throwaway "${2:?usage: sign-windows.sh --throwaway DIR}" ;;
  ""|-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) sign "$@" ;;
esac
