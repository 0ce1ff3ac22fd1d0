# Sourced by the dist scripts: the one version of a build, and the numbers
# derived from it for the places that only take numbers.
#
# dist_version prints $VERSION when it is set, else `git describe --tags
# --always`, else "dev". The same string goes into main.version (what
# `dpgcerts --version` and the About box show), the Windows version resource's
# strings and the installer's DisplayVersion.
dist_version() {
  if [ -n "${VERSION:-}" ]; then
    printf '%s\n' "$VERSION"
  else
    git describe --tags --always 2>/dev/null || echo dev
  fi
}

# dist_numeric VERSION prints four numbers a.b.c.d for the Windows fixed file
# version and the installer: v1.2.3 -> 1.2.3.0, v1.2.3-rc1 -> 1.2.3.0,
# v1.2.3-4-gabc1234 (4 commits after the tag) -> 1.2.3.4, and anything
# without a leading x.y.z (a bare commit, "dev") -> 0.0.0.0.
dist_numeric() {
  local v=${1#v} a b c d=0
  if [[ $v =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]]; then
    a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]} c=${BASH_REMATCH[3]}
    if [[ $v =~ -([0-9]+)-g[0-9a-f]+(-dirty)?$ ]]; then
      d=${BASH_REMATCH[1]}
    fi
    # Each part is a 16-bit number in the resource.
    if ((10#$a > 65535 || 10#$b > 65535 || 10#$c > 65535 || 10#$d > 65535)); then
      echo 0.0.0.0
      return
    fi
    echo "$((10#$a)).$((10#$b)).$((10#$c)).$((10#$d))"
  else
    echo 0.0.0.0
  fi
}
