#!/bin/sh
# Makes the two base images packaging/container/Dockerfile builds on where no registry is reachable, from Debian
# packages and the JDK on this machine, as root with podman:
#   localhost/outrigger-base:<tag>  the run-time base: libc6 and busybox (the launcher's sh, sed, grep) from Debian
#                                   bookworm, made with mmdebstrap, and a Java runtime made with jlink holding only
#                                   the modules the agent uses, at /opt/java/openjdk (where the eclipse-temurin
#                                   images keep theirs), JAVA_HOME and PATH set;
#   localhost/outrigger-jdk:<tag>   the build stage's base: the same root filesystem with the whole JDK.
# Then:
#   podman build -f packaging/container/Dockerfile \
#     --build-arg BASE_IMAGE=localhost/outrigger-base:<tag> --build-arg BUILD_IMAGE=localhost/outrigger-jdk:<tag> ...
#
# Usage: packaging/container/local-base.sh [tag]   (JAVA_HOME: a JDK 25; SUITE: the Debian release, bookworm;
#        MIRROR: a Debian mirror, by default the machine's apt sources; PODMAN: the podman command, "podman")
# The tag defaults to the JDK's version. mmdebstrap's "extract" variant unpacks only the named packages and what
# they depend on (libc6, libgcc-s1, gcc-12-base, busybox): no dpkg, apt, perl or coreutils in the image.
set -eu
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
podman="${PODMAN:-podman}"
suite="${SUITE:-bookworm}"
version="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")"
tag="${1:-$(echo "$version" | tr '+' '_')}"
# java.base and the modules `jdeps --print-module-deps` names for the agent's jar, less java.desktop (only
# java.beans, which Jackson and SnakeYAML use when present, and JNA's AWT helpers for macOS), plus jdk.crypto.ec
# (TLS with EC keys) and jdk.zipfs; jdk.jfr is left out.
modules="${MODULES:-java.base,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.management,jdk.httpserver,jdk.management,jdk.net,jdk.unsupported,jdk.crypto.ec,jdk.zipfs}"

work="$(mktemp -d "${TMPDIR:-/var/tmp}/outrigger-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

set -x
mmdebstrap --quiet --variant=extract --include=libc6,busybox --mode=root \
  --setup-hook='mkdir -p "$1/etc"' "$suite" "$rootfs" ${MIRROR:+"$MIRROR"}
# what a run-time image does not need: docs, locales, gconv charset modules (Java has its own), apt/dpkg leftovers
rm -rf "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/usr/share/lintian \
  "$rootfs"/usr/share/locale "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/usr/lib/aarch64-linux-gnu/gconv \
  "$rootfs"/var/lib/apt "$rootfs"/var/cache/apt "$rootfs"/var/lib/dpkg "$rootfs"/var/log/* "$rootfs"/etc/apt
# busybox provides the shell and the tools the launcher, the image build and the Maven Wrapper use (links to it for
# every applet, where Debian's packages have no file of that name)
chroot "$rootfs" /bin/busybox --install -s /bin
mkdir -p "$rootfs/tmp" "$rootfs/root" "$rootfs/etc" "$rootfs/opt/java"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"

# the modules file compressed (50 instead of 73 MB): the classes the agent loads at start come from its AOT cache
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --output "$work/jre"

import() { # rootfs + java at /opt/java/openjdk -> image $1
  tar -C "$rootfs" -cf "$work/image.tar" . && tar -C "$2" -rf "$work/image.tar" --transform 's,^\.,./opt/java/openjdk,' .
  "$podman" import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' \
    --message "outrigger base from Debian $suite (mmdebstrap) and Java $version ($3)" \
    "$work/image.tar" "$1" > /dev/null
  rm -f "$work/image.tar"
}
import "localhost/outrigger-base:$tag" "$work/jre" "jlink: $modules"
import "localhost/outrigger-jdk:$tag" "$JAVA_HOME" "the whole JDK"
set +x
echo "localhost/outrigger-base:$tag localhost/outrigger-jdk:$tag"
