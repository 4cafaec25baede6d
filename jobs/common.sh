# Shared by the jobs/ scripts (sourced, not run): finds the project, builds it when needed, and starts a main
# class embedded from the project's own class path with the JVM options spark-gru needs.
set -euo pipefail

SPARK_GRU_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The JVM options spark-gru needs (conf/jvm.options: the Vector API module, Spark's opens), and its logging setup.
SPARK_GRU_JVM_OPTS=()
while read -r opt; do
  [ -z "$opt" ] || [ "${opt:0:1}" = "#" ] || SPARK_GRU_JVM_OPTS+=("$opt")
done < "$SPARK_GRU_HOME/conf/jvm.options"
SPARK_GRU_JVM_OPTS+=("-Dlog4j2.configurationFile=$SPARK_GRU_HOME/conf/log4j2.properties")
# JVM options of one launch (embedded --conf and --driver-memory), kept whole even when they hold spaces
SPARK_GRU_EXTRA_OPTS=()

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

# When JAVA_HOME is not set and the default java is older than 21, sets JAVA_HOME to the newest JDK 21+ under
# /usr/lib/jvm, if there is one: JDK 25 runs the Vector API kernel compiled without any JIT option, JDK 17 only with
# the trap limits of conf/jvm.options (docs/kernel.md). Prints one line saying so when told (argument "say"). Set
# JAVA_HOME to choose yourself.
spark_gru_pick_jdk() {
  [ -z "${JAVA_HOME:-}" ] || return 0
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local best="" best_version=0 dir version
  for dir in /usr/lib/jvm/*/; do
    [ -x "${dir}bin/java" ] || continue
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${dir}release" 2>/dev/null)
    if [ -n "$version" ] && [ "$version" -ge 21 ] && [ "$version" -gt "$best_version" ]; then
      best="${dir%/}"
      best_version=$version
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    [ "${1:-}" != say ] || echo "spark-gru: running on JDK $best_version ($best) rather than the default Java $major," \
      "where the Vector API kernel compiles reliably; set JAVA_HOME to choose another" >&2
  fi
}

# spark_gru_run MAIN_CLASS ARGS...: runs a main class embedded, with JAVA_OPTS appended to the JVM options.
spark_gru_run() {
  local main="$1"
  shift
  spark_gru_build
  spark_gru_pick_jdk say
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  # JDK 24+ warns on every start that Spark uses sun.misc.Unsafe and Hadoop loads native code; both are expected,
  # so allow them there (the options do not exist on older JDKs)
  local quiet=() major
  major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -n "$major" ] && [ "${major%%.*}" -ge 24 ] 2>/dev/null; then
    quiet=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
  fi
  # shellcheck disable=SC2086
  exec "$java" "${SPARK_GRU_JVM_OPTS[@]}" ${quiet[@]+"${quiet[@]}"} ${JAVA_OPTS:-} ${SPARK_GRU_EXTRA_OPTS[@]+"${SPARK_GRU_EXTRA_OPTS[@]}"} \
    -cp "$SPARK_GRU_HOME/target/classes:$(cat "$SPARK_GRU_HOME/target/runtime-classpath.txt")" "$main" "$@"
}

# The spark-submit to use: $SPARK_HOME/bin/spark-submit, else one on PATH, else none (embedded mode).
spark_gru_find_submit() {
  if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
    echo "$SPARK_HOME/bin/spark-submit"
  elif command -v spark-submit >/dev/null 2>&1; then
    command -v spark-submit
  fi
}

# Builds the application jar (target/spark-gru-*.jar, dependencies shaded, Spark provided) when missing or stale.
spark_gru_jar() {
  local jar
  jar=$(ls "$SPARK_GRU_HOME"/target/spark-gru-*.jar 2>/dev/null | grep -v original | head -1 || true)
  if [ -z "$jar" ] || [ -n "$(find "$SPARK_GRU_HOME/src/main" "$SPARK_GRU_HOME/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "spark-gru: building the application jar (mvn package)..." >&2
    (cd "$SPARK_GRU_HOME" && mvn -B -q -DskipTests package) >&2 || {
      echo "error: the build failed; run 'mvn package' in $SPARK_GRU_HOME to see why" >&2
      exit 1
    }
    jar=$(ls "$SPARK_GRU_HOME"/target/spark-gru-*.jar | grep -v original | head -1)
  fi
  echo "$jar"
}

# spark_gru_launch MAIN_CLASS ARGS...: through spark-submit when one is found (Spark options such as --master,
# --conf, --deploy-mode, --executor-memory are passed to it, the rest to the job), embedded otherwise.
spark_gru_launch() {
  local main="$1"
  shift
  local submit
  submit=$(spark_gru_find_submit)
  if [ -z "$submit" ]; then
    # embedded: --conf spark.k=v becomes the system property spark.k, which SparkConf reads; --driver-memory (or
    # spark.driver.memory) the heap; --master goes to the job itself
    local rest=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --conf|--driver-memory)
          [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
          case "$1:$2" in
            --conf:spark.driver.memory=*) SPARK_GRU_EXTRA_OPTS+=("-Xmx${2#*=}") ;;
            --conf:spark.driver.extraJavaOptions=*|--conf:spark.driver.extraClassPath=*)
              echo "error: --conf $2: an embedded run cannot change its own JVM this way; put the options in" \
                "JAVA_OPTS instead (or run through spark-submit)" >&2
              exit 2
              ;;
            --conf:spark.*=*) SPARK_GRU_EXTRA_OPTS+=("-D$2") ;;
            --conf:*) echo "error: --conf $2: expected spark.KEY=VALUE" >&2; exit 2 ;;
            --driver-memory:*) SPARK_GRU_EXTRA_OPTS+=("-Xmx$2") ;;
          esac
          shift 2
          ;;
        *)
          rest+=("$1")
          shift
          ;;
      esac
    done
    spark_gru_run "$main" ${rest[@]+"${rest[@]}"}
  fi
  local spark_args=() job_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --master|--deploy-mode|--conf|--driver-memory|--driver-cores|--executor-memory|--executor-cores|\
      --num-executors|--total-executor-cores|--queue|--name|--jars|--packages|--repositories|--files|\
      --archives|--properties-file|--driver-java-options|--driver-class-path|--driver-library-path|\
      --principal|--keytab|--exclude-packages)
        [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
        spark_args+=("$1" "$2")
        shift 2
        ;;
      --verbose|--supervise)
        spark_args+=("$1")
        shift
        ;;
      *)
        job_args+=("$1")
        shift
        ;;
    esac
  done
  local jar
  jar=$(spark_gru_jar)
  spark_gru_pick_jdk # spark-submit starts the driver, and local executors, with JAVA_HOME
  exec "$submit" --class "$main" ${spark_args[@]+"${spark_args[@]}"} "$jar" ${job_args[@]+"${job_args[@]}"}
}
