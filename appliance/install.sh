#!/usr/bin/env bash
# Install StitchSketch as an appliance on Debian 12 / Ubuntu 22.04 or newer:
# system packages, the code under /opt/stitchsketch with its virtualenv, the
# `stitchsketch` service user, the box signing key, the systemd units, and
# (with --kiosk) the touchscreen kiosk. Run again to upgrade; data is kept.
#
#   sudo appliance/install.sh [--kiosk] [--git URL [--ref REF]] [--prefix DIR]
#                             [--no-start] [--dry-run]
set -euo pipefail

PREFIX=/opt/stitchsketch
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GIT_URL=""
GIT_REF=""
KIOSK=0
START=1
DRY_RUN=0

UNIT_DIR=/etc/systemd/system
CONF_DIR=/etc/stitchsketch
DATA_DIR=/var/lib/stitchsketch
USER_NAME=stitchsketch
KIOSK_USER=stitchsketch-kiosk
UNITS=(capture reconstruction patterns render ui)
# NOTE: keep in step with scripts/setup.sh, which installs what a checkout needs;
# these are what the box needs before that script can run.
APT_PACKAGES=(python3 python3-venv python3-dev build-essential pkg-config
    libsystemd-dev libusb-1.0-0 rsync git curl ca-certificates)
KIOSK_PACKAGES=(cage chromium fonts-dejavu-core)

usage() {
    sed -n '2,8s/^# \{0,1\}//p' "$0"
    cat <<EOF

  --kiosk      also show the UI full-screen on this machine's screen (cage + Chromium)
  --git URL    install from a git repository instead of this checkout ($SOURCE)
  --ref REF    branch, tag or commit to check out with --git
  --prefix DIR where the code goes (default $PREFIX)
  --no-start   install and enable, but do not (re)start the services now
  --dry-run    print what would be done, change nothing
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --kiosk) KIOSK=1 ;;
        --git) GIT_URL="${2:?--git needs a URL}"; shift ;;
        --ref) GIT_REF="${2:?--ref needs a ref}"; shift ;;
        --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
        --no-start) START=0 ;;
        --dry-run) DRY_RUN=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

say() { printf '==> %s\n' "$*"; }

# Every change goes through run (a command) or put (a file), so --dry-run is honest.
run() {
    if [ "$DRY_RUN" = 1 ]; then printf '+ %s\n' "$*"; else "$@"; fi
}

# put MODE DEST: write stdin to DEST with MODE (atomically: temp file, then rename).
put() {
    local mode="$1" dest="$2"
    if [ "$DRY_RUN" = 1 ]; then
        printf '+ write %s (mode %s, %s bytes)\n' "$dest" "$mode" "$(wc -c)"
        return
    fi
    local tmp
    tmp="$(mktemp "$dest.XXXXXX")"
    cat >"$tmp"
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$dest"
}

# Units and scripts name /opt/stitchsketch; point them at the real prefix.
with_prefix() { sed "s#/opt/stitchsketch#$PREFIX#g" "$1"; }

preflight() {
    if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
        echo "install.sh: run as root (sudo $0 $*)" >&2
        exit 1
    fi
    if [ ! -f /etc/debian_version ]; then
        echo "install.sh: this installer knows Debian and Ubuntu only" >&2
        [ "$DRY_RUN" = 1 ] || exit 1
    fi
}

install_packages() {
    local packages=("${APT_PACKAGES[@]}")
    [ "$KIOSK" = 1 ] && packages+=("${KIOSK_PACKAGES[@]}")
    say "system packages: ${packages[*]}"
    run env DEBIAN_FRONTEND=noninteractive apt-get update -q
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${packages[@]}"
}

create_users() {
    if ! id "$USER_NAME" >/dev/null 2>&1; then
        say "service user $USER_NAME"
        run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "StitchSketch services" "$USER_NAME"
    fi
    if [ "$KIOSK" = 1 ] && ! id "$KIOSK_USER" >/dev/null 2>&1; then
        local groups=video,input
        getent group render >/dev/null && groups="$groups,render"
        say "kiosk user $KIOSK_USER"
        run useradd --system --user-group --create-home --home-dir "/var/lib/$KIOSK_USER" \
            --shell /usr/sbin/nologin --groups "$groups" --comment "StitchSketch kiosk" \
            "$KIOSK_USER"
    fi
}

install_code() {
    if [ -n "$GIT_URL" ]; then
        if [ -d "$PREFIX/.git" ]; then
            say "updating $PREFIX from $GIT_URL"
            run git -C "$PREFIX" fetch --tags "$GIT_URL" "${GIT_REF:-HEAD}"
            run git -C "$PREFIX" checkout --force FETCH_HEAD
        else
            say "cloning $GIT_URL into $PREFIX"
            run git clone ${GIT_REF:+--branch "$GIT_REF"} "$GIT_URL" "$PREFIX"
        fi
    elif [ "$(realpath -m "$SOURCE")" != "$(realpath -m "$PREFIX")" ]; then
        say "copying $SOURCE to $PREFIX"
        run mkdir -p "$PREFIX"
        # The virtualenv and local data of the source stay behind; the installed
        # .venv is kept across upgrades (--delete leaves excluded paths alone).
        run rsync -a --delete --exclude=/.venv --exclude=/var --exclude=__pycache__ \
            --exclude=.pytest_cache --exclude=.ruff_cache "$SOURCE/" "$PREFIX/"
    fi
    run chown -R root:root "$PREFIX"
    run chmod -R u=rwX,go=rX "$PREFIX"
}

setup_venv() {
    say "project setup (scripts/setup.sh): virtualenv in $PREFIX/.venv"
    # NOTE: expects scripts/setup.sh to set up only (packages, .venv, generated code)
    # and return, without starting the box.
    run env -C "$PREFIX" STITCHSKETCH_INSTALL=1 bash scripts/setup.sh
    # The services run with ProtectSystem=strict: compile now, they cannot later.
    run "$PREFIX/.venv/bin/python" -m compileall -q -j 0 "$PREFIX/services" "$PREFIX/ui" \
        "$PREFIX/appliance" "$PREFIX/protos"
}

install_config() {
    run install -d -m 0755 "$CONF_DIR"
    if [ ! -e "$CONF_DIR/signing.key" ]; then
        # The units pass this to every service as the credential signing.key. An
        # existing box keeps the key it made itself, so paired cameras stay paired.
        if [ -s "$DATA_DIR/secrets/signing.key" ]; then
            say "keeping the box signing key from $DATA_DIR"
            put 0600 "$CONF_DIR/signing.key" <"$DATA_DIR/secrets/signing.key"
        else
            say "new box signing key in $CONF_DIR/signing.key"
            python3 -c 'import secrets; print(secrets.token_hex(32))' \
                | put 0600 "$CONF_DIR/signing.key"
        fi
    fi
    if [ ! -e "$CONF_DIR/stitchsketch.env" ]; then
        put 0644 "$CONF_DIR/stitchsketch.env" <<'EOF'
# Settings for every StitchSketch service (STITCHSKETCH_* variables), read after the
# units' own Environment= lines, so what is set here wins. Examples:
# STITCHSKETCH_LOG_LEVEL=DEBUG
# Where the LAN blocks multicast, the services of other boxes:
# STITCHSKETCH_STATIC_SERVICES=capture=127.0.0.1:50051,reconstruction=10.0.0.7:50052
EOF
    fi
}

install_units() {
    say "systemd units in $UNIT_DIR"
    local name
    for name in "${UNITS[@]}"; do
        with_prefix "$SOURCE_TREE/appliance/systemd/stitchsketch-$name.service" \
            | put 0644 "$UNIT_DIR/stitchsketch-$name.service"
    done
    with_prefix "$SOURCE_TREE/appliance/systemd/stitchsketch.target" \
        | put 0644 "$UNIT_DIR/stitchsketch.target"
    if [ "$KIOSK" = 1 ]; then
        with_prefix "$SOURCE_TREE/appliance/kiosk/stitchsketch-kiosk@.service" \
            | put 0644 "$UNIT_DIR/stitchsketch-kiosk@.service"
        put 0644 /etc/pam.d/stitchsketch-kiosk \
            <"$SOURCE_TREE/appliance/kiosk/pam-stitchsketch-kiosk"
        run chmod 0755 "$PREFIX/appliance/kiosk/kiosk-browser"
    fi
}

enable_units() {
    local units=() name module
    for name in "${UNITS[@]}"; do
        # Enable only the services this version of the code has (render comes later).
        module="services/$name"
        [ "$name" = ui ] && module=ui
        if [ -e "$SOURCE_TREE/$module/__main__.py" ]; then
            units+=("$UNIT_DIR/stitchsketch-$name.service")
        else
            say "not enabling $name: this version has no $module"
        fi
    done
    if command -v systemd-analyze >/dev/null; then
        say "checking the installed units"
        run systemd-analyze verify "${units[@]}" "$UNIT_DIR/stitchsketch.target"
    fi
    local booted=0
    [ -d /run/systemd/system ] && booted=1
    # enable only makes symlinks, so it works in a chroot or image build too.
    [ "$booted" = 1 ] && run systemctl daemon-reload
    run systemctl enable stitchsketch.target "${units[@]##*/}"
    [ "$KIOSK" = 1 ] && run systemctl enable stitchsketch-kiosk@tty1.service
    if [ "$booted" = 0 ]; then
        say "systemd is not running here: the box starts at next boot"
    elif [ "$START" = 1 ]; then
        say "starting stitchsketch.target"
        run systemctl restart stitchsketch.target
        [ "$KIOSK" = 1 ] && run systemctl restart stitchsketch-kiosk@tty1.service
    fi
    return 0
}

preflight "$@"
install_packages
create_users
install_code
# Unit files come from the installed tree (a --git install has no other copy); a dry
# run copied nothing, so it reads them from this checkout.
SOURCE_TREE="$PREFIX"
[ "$DRY_RUN" = 1 ] && SOURCE_TREE="$SOURCE"
setup_venv
install_config
install_units
enable_units

address="$(hostname -I 2>/dev/null | awk '{print $1}')"
say "StitchSketch is installed: http://${address:-localhost}:8080"
say "status: systemctl list-units 'stitchsketch*'   logs: journalctl -u 'stitchsketch*' -f"
