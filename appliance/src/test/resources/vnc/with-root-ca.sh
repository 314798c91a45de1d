#!/bin/sh
# Runs a command that trusts CAFILE as root's ~/.pki/CA/cacert.pem (where gtk-vnc looks for the VeNCrypt CA), without
# touching the real home: run it under `unshare --mount --map-root-user`, so the tmpfs over /root is private.
# usage: unshare --mount --map-root-user with-root-ca.sh CAFILE COMMAND [ARGS...]
set -e
ca="$1"
shift
mount -t tmpfs none /root
mkdir -p /root/.pki/CA
cp "$ca" /root/.pki/CA/cacert.pem
exec "$@"
