#!/usr/bin/env bash
# Signs, notarises and zips the macOS app (on a Mac, after
# scripts/dist.sh darwin):
#
#   scripts/sign-darwin.sh ["build/bin/DPG Certificates.app"]
#
# MACOS_SIGN_IDENTITY  the Developer ID Application certificate in the
#                      keychain, e.g. "Developer ID Application: DPG (ABCDE12345)"
# Notarisation, one of:
#   NOTARY_PROFILE       a profile saved with `xcrun notarytool store-credentials`
#   NOTARY_KEY_FILE, NOTARY_KEY_ID, NOTARY_ISSUER
#                        an App Store Connect API key (.p8), its id and issuer
# Without a notarisation setting the app is signed but not notarised.
#
# Writes build/bin/dpgcerts-macos-universal.zip with the stapled app.
set -euo pipefail
cd "$(dirname "$0")/.."

app=${1:-build/bin/DPG Certificates.app}
zip=build/bin/dpgcerts-macos-universal.zip
[ -d "$app" ] || { echo "sign-darwin: $app: no such app (run scripts/dist.sh darwin)" >&2; exit 1; }
: "${MACOS_SIGN_IDENTITY:?set MACOS_SIGN_IDENTITY to the Developer ID Application identity}"

# The hardened runtime and a secure time stamp: notarisation needs both.
codesign --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
codesign --verify --strict --verbose=2 "$app"

notary=()
if [ -n "${NOTARY_PROFILE:-}" ]; then
  notary=(--keychain-profile "$NOTARY_PROFILE")
elif [ -n "${NOTARY_KEY_FILE:-}" ]; then
  notary=(--key "$NOTARY_KEY_FILE" --key-id "${NOTARY_KEY_ID:?}" --issuer "${NOTARY_ISSUER:?}")
fi

rm -f "$zip"
if [ ${#notary[@]} -gt 0 ]; then
  ditto -c -k --keepParent "$app" "$zip"
  xcrun notarytool submit "$zip" "${notary[@]}" --wait
  xcrun stapler staple "$app"
  xcrun stapler validate "$app"
  spctl --assess --type execute --verbose=2 "$app"
  rm -f "$zip"
else
  echo "sign-darwin: no NOTARY_PROFILE or NOTARY_KEY_FILE: signed, not notarised"
fi
ditto -c -k --keepParent "$app" "$zip"
echo "sign-darwin: $zip"
