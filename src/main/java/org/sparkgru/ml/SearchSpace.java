package org.sparkgru.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.sparkgru.Choice;
import org.sparkgru.config.ConfigError;
import org.sparkgru.config.SearchStrategy;
import org.sparkgru.config.TrainConfig;

/**
 * The search space of {@code jobs/tune.sh}: configuration keys of {@code conf/train.conf}, each with listed values
 * ({@code "model.hidden" = [16, 32, 64]}) or a numeric range ({@code {min = 1e-4, max = 1e-2, scale = log}}), from
 * a HOCON file ({@code --space}) and {@code --grid key=VALUES} options (which replace the file's entry for the same
 * key). {@link #expand} turns it into trial overrides: the grid's cartesian product or random draws. Keys and
 * ranges are checked here; the values themselves by {@link TrainConfig}, in {@link Tuning#plan}.
 */
public final class SearchSpace {
    /** How a range is sampled. */
    public enum Scale implements Choice {
        /** Uniform between min and max. */
        LINEAR,
        /** Uniform in the logarithm (min > 0): as many draws between 1e-4 and 1e-3 as between 1e-3 and 1e-2. */
        LOG
    }

    /**
     * A range of a numeric key; {@code integer} for keys that take whole numbers, whose draws are rounded.
     */
    public record Range(double min, double max, Scale scale, boolean integer) {
        /** The value at {@code u} in [0, 1) of the range. */
        ConfigValue at(double u) {
            double v = scale == Scale.LOG ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
                    : min + u * (max - min);
            if (integer) {
                return ConfigValueFactory.fromAnyRef(Math.max((long) min, Math.min((long) max, Math.round(v))));
            }
            // four significant digits: readable overrides that read back as the value trained with
            double rounded = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
            return ConfigValueFactory.fromAnyRef(Math.max(min, Math.min(max, rounded)));
        }
    }

    /**
     * One searched key: {@code values} (listed) or {@code range}, and where it was given ({@code --space FILE},
     * {@code --grid}), for messages.
     */
    public record Dimension(String key, List<ConfigValue> values, Range range, String origin) {
    }

    private final Map<String, Dimension> dimensions; // sorted by key: the grid's stable order

    private SearchSpace(Map<String, Dimension> dimensions) {
        this.dimensions = dimensions;
    }

    /** The dimensions, by key in alphabetical order. */
    public List<Dimension> dimensions() {
        return List.copyOf(dimensions.values());
    }

    /**
     * The space of {@code file} (or null) and {@code grids} ({@code key=VALUES}, VALUES a HOCON list or range); a
     * {@code --grid} key replaces the file's. Unknown keys, empty lists and malformed ranges are
     * {@link ConfigError}s naming the key and the value.
     */
    public static SearchSpace parse(File file, List<String> grids) {
        Config defaults = ConfigFactory.parseResources(SearchSpace.class.getClassLoader(), TrainConfig.DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Map<String, Dimension> dims = new TreeMap<>();
        if (file != null) {
            if (!file.isFile()) {
                throw new ConfigError("--space " + file + " does not exist or is not a file");
            }
            ConfigObject root;
            try {
                root = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF))
                        .root();
            } catch (ConfigException e) {
                throw new ConfigError("cannot parse --space " + file + ": " + e.getMessage());
            }
            walk(root, "", "--space " + file, defaults, dims);
        }
        for (String g : grids) {
            int eq = g.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("--grid expects key=[v1, v2] or key={min = .., max = ..}, got '" + g + "'");
            }
            String key = g.substring(0, eq).trim();
            ConfigValue v;
            try {
                v = ConfigFactory.parseString("v = " + g.substring(eq + 1)).getValue("v");
            } catch (ConfigException e) {
                throw new ConfigError("--grid " + g + ": not a HOCON list or range (" + e.getMessage() + ")");
            }
            if (v.valueType() == ConfigValueType.OBJECT && !isRange((ConfigObject) v)) {
                throw new ConfigError("--grid " + g + ": expected a list [v1, v2] or a range {min = .., max = ..}");
            }
            dims.put(key, dimension(key, v, "--grid", defaults));
        }
        return new SearchSpace(dims);
    }

    /** Collects the dimensions of a parsed {@code --space} file; nested objects are key paths. */
    private static void walk(ConfigObject obj, String prefix, String origin, Config defaults,
                             Map<String, Dimension> dims) {
        for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
            String key = prefix + e.getKey();
            ConfigValue v = e.getValue();
            if (v.valueType() == ConfigValueType.OBJECT && !isRange((ConfigObject) v)) {
                walk((ConfigObject) v, key + ".", origin, defaults, dims);
            } else {
                dims.put(key, dimension(key, v, origin, defaults));
            }
        }
    }

    private static boolean isRange(ConfigObject o) {
        return o.containsKey("min") || o.containsKey("max");
    }

    private static Dimension dimension(String key, ConfigValue v, String origin, Config defaults) {
        String shown = key + " = " + v.render(ConfigRenderOptions.concise());
        ConfigValue standard;
        try {
            standard = defaults.hasPath(key) ? defaults.getValue(key) : null;
        } catch (ConfigException e) {
            standard = null; // a key that is not a path (stray quotes or dots)
        }
        if (standard == null || standard.valueType() == ConfigValueType.OBJECT) {
            throw new ConfigError(origin + ": unknown configuration key '" + key + "' (" + shown + "); the keys are"
                    + " those of conf/train.conf");
        }
        if (v.valueType() == ConfigValueType.LIST) {
            List<ConfigValue> values = List.copyOf((ConfigList) v);
            if (values.isEmpty()) {
                throw new ConfigError(origin + ": " + shown + " lists no value; give at least one");
            }
            return new Dimension(key, values, null, origin);
        }
        if (v.valueType() != ConfigValueType.OBJECT) {
            return new Dimension(key, List.of(v), null, origin); // a single value: fixed in every trial
        }
        Config r = ((ConfigObject) v).toConfig();
        for (String k : ((ConfigObject) v).keySet()) {
            if (!List.of("min", "max", "scale").contains(k)) {
                throw new ConfigError(origin + ": " + shown + " has '" + k + "'; a range has min, max and scale"
                        + " (linear or log)");
            }
        }
        boolean integer = wholeNumbers(key);
        if (!integer && standard.valueType() != ConfigValueType.NUMBER) {
            throw new ConfigError(origin + ": " + shown + " is a range, but " + key + " is not a number; list its"
                    + " values instead, e.g. " + key + " = [a, b]");
        }
        double min;
        double max;
        try {
            min = r.getDouble("min");
            max = r.getDouble("max");
        } catch (ConfigException e) {
            throw new ConfigError(origin + ": " + shown + " needs numbers min and max");
        }
        String scaleId = r.hasPath("scale") ? r.getValue("scale").unwrapped().toString() : "linear";
        Scale scale = Choice.find(Scale.values(), scaleId);
        if (scale == null) {
            throw new ConfigError(origin + ": " + shown + ": scale = " + scaleId + " is not allowed; choose "
                    + Choice.ids(Scale.values(), " or "));
        }
        if (!(min <= max)) {
            throw new ConfigError(origin + ": " + shown + ": min must not exceed max");
        }
        if (scale == Scale.LOG && min <= 0) {
            throw new ConfigError(origin + ": " + shown + ": scale = log needs min > 0");
        }
        if (integer && (min != Math.rint(min) || max != Math.rint(max))) {
            throw new ConfigError(origin + ": " + shown + ": " + key + " takes whole numbers; give whole min and"
                    + " max");
        }
        return new Dimension(key, null, new Range(min, max, scale, integer), origin);
    }

    /**
     * Whether {@code key} takes whole numbers only, as {@link TrainConfig} decides: it refuses 0.5 as not whole.
     * (The defaults cannot tell: HOCON reads {@code clipNorm = 1.0} as the integer 1.)
     */
    private static boolean wholeNumbers(String key) {
        try {
            TrainConfig.load(null, List.of(key + "=0.5"));
            return false;
        } catch (ConfigError e) {
            return e.getMessage().startsWith(key + " must be a whole number");
        }
    }

    /** Whether there is nothing to search. */
    public boolean isEmpty() {
        return dimensions.isEmpty();
    }

    /**
     * The trials' overrides, key to value, keys in alphabetical order.
     *
     * <p>{@link SearchStrategy#GRID}: every combination of the listed values, the last key (alphabetically)
     * varying fastest, values in the order listed; a range is refused, and so is a grid larger than {@code trials}
     * (null: the whole grid), rather than cut to its first points, which would search only the first values of the
     * first keys. {@link SearchStrategy#RANDOM}: {@code trials} (null: 10) draws from {@code seed}, each key
     * independently, listed values uniformly and ranges by their scale; a configuration drawn again is drawn anew
     * (so a small space of listed values gives fewer trials, at most all its points).
     */
    public List<Map<String, ConfigValue>> expand(SearchStrategy strategy, Integer trials, long seed) {
        return strategy == SearchStrategy.GRID ? grid(trials) : random(trials == null ? 10 : trials, seed);
    }

    private List<Map<String, ConfigValue>> grid(Integer trials) {
        long size = 1;
        for (Dimension d : dimensions.values()) {
            if (d.range() != null) {
                throw new ConfigError("--strategy grid cannot enumerate the range " + d.key() + " (" + d.origin()
                        + "); list its values, e.g. " + d.key() + " = [" + d.range().min() + ", " + d.range().max()
                        + "], or use --strategy random");
            }
            size = Math.min(size * d.values().size(), Integer.MAX_VALUE);
        }
        if (trials != null && size > trials) {
            throw new ConfigError("--strategy grid: the grid has " + size + " points, more than --trials " + trials
                    + "; raise --trials to " + size + ", list fewer values, or use --strategy random for a sample");
        }
        List<Map<String, ConfigValue>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Dimension d : dimensions.values()) {
            List<Map<String, ConfigValue>> next = new ArrayList<>();
            for (Map<String, ConfigValue> partial : out) {
                for (ConfigValue v : d.values()) {
                    Map<String, ConfigValue> m = new LinkedHashMap<>(partial);
                    m.put(d.key(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    private List<Map<String, ConfigValue>> random(int trials, long seed) {
        Random rnd = new Random(seed);
        List<Map<String, ConfigValue>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int attempt = 0; attempt < 100 * trials && out.size() < trials; attempt++) {
            Map<String, ConfigValue> m = new LinkedHashMap<>();
            for (Dimension d : dimensions.values()) {
                m.put(d.key(), d.range() != null ? d.range().at(rnd.nextDouble())
                        : d.values().get(rnd.nextInt(d.values().size())));
            }
            if (seen.add(render(m).toString())) {
                out.add(m);
            }
        }
        return out;
    }

    /** The overrides as {@code --set} strings, {@code key=value} with the value in HOCON (JSON) syntax. */
    public static List<String> render(Map<String, ConfigValue> overrides) {
        List<String> sets = new ArrayList<>();
        overrides.forEach((k, v) -> sets.add(k + "=" + v.render(ConfigRenderOptions.concise())));
        return sets;
    }
}
