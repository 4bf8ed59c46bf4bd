#!/usr/bin/env bash
# Builds Bastion's OCI image without a container daemon or a registry base: target/bastion-image.tar.
#   1. the app (Maven: classes, the CycloneDX SBOM in META-INF/sbom/bom.json, the commit)
#   2. the base root filesystem from pinned Debian packages (rootfs.sh)
#   3. a jlink-ed runtime with only the modules jdeps finds in the app and its dependencies (+ EXTRA_MODULES)
#   4. Jib (jib:buildTar, from scratch) puts the three in layers with the labels; timestamps come from
#      project.build.outputTimestamp, so the same commit gives the same image digest
# With --twice it builds everything a second time into target/bastion-image.rebuild.tar and fails unless both
# images have the same digest (ImageTest asserts it too). Needs root only for apt-get download's lists.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/jlink" ] || { echo "build.sh: needs a JDK 25 with jlink (set JAVA_HOME)" >&2; exit 1; }
mvn=(./mvnw -B -q)
[ -z "${MAVEN_OFFLINE:-}" ] || mvn+=(-o)
# Modules no static reference shows: the zip file system (a ServiceLoader provider) and the extended charsets
# (request bodies in e.g. Shift_JIS or EUC-KR are decoded by name).
EXTRA_MODULES="jdk.zipfs,jdk.charsets"

build_once() { # OUT.tar
  local out="$1" work="$repo/target/image"
  "${mvn[@]}" -DskipTests process-classes
  "$repo/deploy/image/rootfs.sh" "$work/rootfs" >/dev/null
  rm -rf "$work/libs" "$work/runtime"
  "${mvn[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$work/libs"
  local modules
  modules="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps -q \
    --class-path "$work/libs/*" target/classes "$work"/libs/*.jar)"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules,$EXTRA_MODULES" --output "$work/runtime" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6
  echo "$modules,$EXTRA_MODULES" > target/image/modules.txt
  local commit sbom source
  commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  sbom="$(sha256sum target/classes/META-INF/sbom/bom.json | cut -d' ' -f1)"
  source="$(git config --get remote.origin.url 2>/dev/null || echo unknown)"
  "${mvn[@]}" com.google.cloud.tools:jib-maven-plugin:3.5.2:buildTar -Djib.outputPaths.tar="$out" \
    -Dbastion.commit="$commit" -Dbastion.sbom.sha256="$sbom" -Dbastion.source="$source"
  cp target/jib-image.digest "$out.digest"
}

build_once "$repo/target/bastion-image.tar"
echo "build.sh: target/bastion-image.tar $(cat target/bastion-image.tar.digest) (modules: $(cat target/image/modules.txt))"
if [ "${1:-}" = "--twice" ]; then
  build_once "$repo/target/bastion-image.rebuild.tar"
  if [ "$(cat target/bastion-image.tar.digest)" != "$(cat target/bastion-image.rebuild.tar.digest)" ]; then
    echo "build.sh: NOT reproducible: $(cat target/bastion-image.tar.digest) then $(cat target/bastion-image.rebuild.tar.digest)" >&2
    exit 1
  fi
  echo "build.sh: reproducible: the second build has the same digest"
fi
