#!/usr/bin/env bash
# Builds Skuld once and runs every test project; ends with the line `N passed, N failed, N skipped`
# summed over all projects (read from their TRX files), and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Debug}"
results="$PWD/artifacts/test-results"

apt_updated=false
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "test.sh: need $* but not root; install it yourself (apt-get install -y $*)" >&2
    return 1
  fi
  if [[ $apt_updated == false ]]; then
    apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- What the tests need on the machine ---------------------------------------------------------
# PostgreSQL: the store, CLI and API suites run on both SQLite and PostgreSQL; the tests start a
# throwaway cluster themselves from these binaries.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "test.sh: installing PostgreSQL"
  apt_install postgresql
fi
# Browser tests (portal): install Chromium here when they arrive, e.g.
#   command -v chromium >/dev/null || apt_install chromium chromium-driver
# -------------------------------------------------------------------------------------------------

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null

mapfile -t projects < <(ls tests/*/*.Tests.csproj 2>/dev/null | sort)
if [[ ${#projects[@]} -eq 0 ]]; then
  echo "test.sh: no test projects found under tests/" >&2
  exit 1
fi

echo "test.sh: building ($configuration)"
if ! dotnet build Skuld.sln -c "$configuration" -nologo -v quiet; then
  echo "test.sh: the build failed; no tests were run" >&2
  exit 1
fi

rm -rf "$results"
mkdir -p "$results"
broken=()
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  echo "test.sh: testing $name"
  if ! dotnet test "$project" -c "$configuration" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results/$name"; then
    broken+=("$name")
  fi
  if ! compgen -G "$results/$name/*.trx" >/dev/null; then
    echo "test.sh: $name produced no results" >&2
    broken+=("$name (no results)")
  fi
done

# Sum the <Counters .../> of every TRX file (plain awk: nothing beyond coreutils is assumed).
read -r passed failed skipped < <(
  find "$results" -name '*.trx' -print0 | xargs -0 -r grep -ho '<Counters [^>]*>' | awk '
    function count(name,   pattern, value) {
      pattern = " " name "=\"[0-9]+\""
      if (match($0, pattern)) { value = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", value); return value + 0 }
      return 0
    }
    {
      passed += count("passed")
      failed += count("failed") + count("error") + count("timeout") + count("aborted")
      # VSTest writes a skipped xunit test as neither executed nor notExecuted: count what did not run.
      skipped += count("total") - count("executed") + count("inconclusive")
    }
    END { print passed + 0, failed + 0, skipped + 0 }'
)

if [[ ${#broken[@]} -gt 0 ]]; then
  echo "test.sh: failures in: ${broken[*]}" >&2
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [[ ${#broken[@]} -gt 0 || $failed -gt 0 ]]; then
  exit 1
fi
