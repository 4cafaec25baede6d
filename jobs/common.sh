# Shared by the jobs/ scripts (sourced, not run): finds the project, builds it when needed, and starts a main
# class embedded from the project's own class path with the JVM options spark-gru needs.
set -euo pipefail

SPARK_GRU_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The Vector API kernel needs the incubator module; Spark needs these opens on Java 17+.
SPARK_GRU_JVM_OPTS=(
  --add-modules jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
  "-Dlog4j2.configurationFile=$SPARK_GRU_HOME/conf/log4j2.properties"
)

# Compiles the project when target/ is missing or older than a source file or the pom.
spark_gru_build() {
  local stamp="$SPARK_GRU_HOME/target/runtime-classpath.txt"
  if [ ! -f "$stamp" ] || [ -n "$(find "$SPARK_GRU_HOME/src/main" "$SPARK_GRU_HOME/pom.xml" -newer "$stamp" -print -quit)" ]; then
    echo "spark-gru: building the project (mvn compile)..." >&2
    (cd "$SPARK_GRU_HOME" && mvn -B -q -DskipTests compile) >&2 || {
      echo "error: the build failed; run 'mvn compile' in $SPARK_GRU_HOME to see why" >&2
      exit 1
    }
    touch "$stamp"
  fi
}

# spark_gru_run MAIN_CLASS ARGS...: runs a main class embedded, with JAVA_OPTS appended to the JVM options.
spark_gru_run() {
  local main="$1"
  shift
  spark_gru_build
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  # shellcheck disable=SC2086
  exec "$java" "${SPARK_GRU_JVM_OPTS[@]}" ${JAVA_OPTS:-} \
    -cp "$SPARK_GRU_HOME/target/classes:$(cat "$SPARK_GRU_HOME/target/runtime-classpath.txt")" "$main" "$@"
}
