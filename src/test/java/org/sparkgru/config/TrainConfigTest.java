package org.sparkgru.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.kernel.Loss;
import org.sparkgru.model.Variant;

class TrainConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreConfTrainConf() {
        TrainConfig c = TrainConfig.load(null, List.of());
        assertEquals(TrainConfig.AUTO, c.model().lookback());
        assertEquals(TrainConfig.AUTO, c.model().season());
        assertEquals(Baseline.AUTO, c.model().baseline());
        assertEquals(Scaling.REVIN, c.data().scaling());
        assertEquals(Loss.Kind.MAE, c.model().loss().kind());
        assertEquals(Variant.RESET_BEFORE, c.model().variant());
        assertEquals(OptimizerKind.ADAM, c.train().optimizer());
        assertEquals(GapPolicy.INTERPOLATE, c.data().gaps());
        // the packaged defaults are exactly the documented example
        assertEquals(ConfigFactory.parseFile(new File("conf/train.conf")).root().unwrapped(),
                ConfigFactory.parseResources(TrainConfig.DEFAULTS).root().unwrapped());
    }

    @Test
    void fileThenOverridesTakePrecedence() throws IOException {
        Path f = tmp.resolve("my.conf");
        Files.writeString(f, "model { hidden = 32, variant = reset-after }\ndata.features = [price]\n");
        TrainConfig c = TrainConfig.load(f.toFile(), List.of("model.hidden=8", "model.loss=huber",
                "model.huberDelta=0.5", "model.hidden=16"));
        assertEquals(16, c.model().hidden());
        assertEquals(Variant.RESET_AFTER, c.model().variant());
        assertEquals(List.of("price"), c.data().features());
        assertEquals(new Loss(Loss.Kind.HUBER, 0.5), c.model().loss());
        assertTrue(c.render().contains("hidden=16") || c.render().contains("hidden = 16"), c.render());
    }

    @Test
    void fractionsOfWholeNumberKeysAreRefusedNotTruncated() {
        assertEquals("train.iterations must be a whole number, got '2.5' (--set train.iterations)",
                error(List.of("train.iterations=2.5")));
        assertEquals("model.lookback must be a whole number, got '20.9' (--set model.lookback)",
                error(List.of("model.lookback=20.9")));
        assertEquals(64, TrainConfig.load(null, List.of("model.hidden=64.0")).model().hidden(), "a whole 64.0 is 64");
    }

    @Test
    void autoChoicesAreValidatedAndResolved() {
        assertEquals("model.lookback must be auto or a whole number from 1 to 100000, got 'often' (--set"
                + " model.lookback)", error(List.of("model.lookback=often")));
        assertEquals("model.season = 0 is out of range; allowed 1 to 100000", error(List.of("model.season=0")));
        assertEquals("model.baseline = 'mean' (--set model.baseline) is not allowed; choose one of auto, none, naive,"
                + " seasonal-naive, seasonal-mean", error(List.of("model.baseline=mean")));
        assertEquals("model.baseline = seasonal-naive needs model.lookback >= model.season; got lookback 10 and"
                + " season 24; raise model.lookback or choose another baseline", error(List.of(
                "model.baseline=seasonal-naive", "model.lookback=10", "model.season=24")));
        TrainConfig r = TrainConfig.load(null, List.of()).resolved(96, 24, Baseline.SEASONAL_NAIVE);
        assertTrue(r.model().isResolved());
        TrainConfig back = TrainConfig.fromModel(r.renderJson(), List.of());
        assertEquals(r.model(), back.model(), "a model's stored configuration holds the resolved values");
    }

    @Test
    void modelsOlderThanTheBaselineKeysKeepTheirMeaning() {
        String old = TrainConfig.load(null, List.of("model.lookback=48", "data.scaling=series")).renderJson()
                .replace("\"baseline\":\"auto\",", "").replace("\"season\":\"auto\",", "");
        assertTrue(!old.contains("baseline") && !old.contains("\"season\""), old);
        TrainConfig c = TrainConfig.fromModel(old, List.of());
        assertEquals(Baseline.NONE, c.model().baseline());
        assertEquals(1, c.model().season());
        assertEquals(48, c.model().lookback());
    }

    private static String error(List<String> sets) {
        return assertThrows(ConfigError.class, () -> TrainConfig.load(null, sets)).getMessage();
    }

    @Test
    void everyErrorNamesKeyValueAndWhatIsAllowed() {
        String m = error(List.of("model.hiden=3"));
        assertTrue(m.startsWith("unknown configuration key 'model.hiden' (--set model.hiden") && m.contains("model.hidden"), m);
        m = error(List.of("train.iterations=lots"));
        assertTrue(m.contains("train.iterations must be a whole number, got 'lots' (--set train.iterations)"), m);
        m = error(List.of("model.hidden=0"));
        assertEquals("model.hidden = 0 is out of range; allowed 1 to 4096", m);
        m = error(List.of("train.learningRate=-1"));
        assertTrue(m.startsWith("train.learningRate = -1.0 is out of range; allowed > 0"), m);
        m = error(List.of("model.variant=reset-sideways"));
        assertTrue(m.contains("model.variant = 'reset-sideways' (--set model.variant)")
                && m.contains("choose one of reset-before, reset-after"), m);
        m = error(List.of("data.missing=ignore"));
        assertTrue(m.contains("choose one of error, drop, interpolate"), m);
        m = error(List.of("data.features=price"));
        assertTrue(m.contains("data.features must be a list of strings"), m);
        m = error(List.of("data.features=[value]"));
        assertTrue(m.contains("data.features lists 'value', which is already the id, time or target column"), m);
        m = error(List.of("data.calendar=[hour-of-day, month]"));
        assertEquals("data.calendar lists 'month'; allowed are hour-of-day, day-of-week, day-of-year", m);
        m = error(List.of("model.hidden=sixty-four"));
        assertEquals("model.hidden must be a whole number, got 'sixty-four' (--set model.hidden)", m,
                "the value as the user typed it");
        m = error(List.of("nonsense"));
        assertEquals("--set expects key=value, got 'nonsense'", m);
        m = error(List.of("model.ensemble=0"));
        assertEquals("model.ensemble = 0 is out of range; allowed 1 to 64", m);
        m = error(List.of("model.ensemble=3", "train.optimizer=lbfgs"));
        assertTrue(m.startsWith("model.ensemble = 3 needs a minibatch optimizer; train.optimizer = lbfgs"), m);
        m = error(List.of("forecast.fallback=always"));
        assertTrue(m.contains("forecast.fallback = 'always' (--set forecast.fallback)")
                && m.contains("choose one of none, naive, seasonal-naive, best"), m);
        m = assertThrows(ConfigError.class, () -> TrainConfig.load(tmp.resolve("none.conf").toFile(), List.of()))
                .getMessage();
        assertTrue(m.contains("none.conf does not exist"), m);
    }

    @Test
    void quantilesAreLevelsInZeroOneIncreasingWithTheMedian() {
        TrainConfig c = TrainConfig.load(null, List.of("model.quantiles=[0.1, 0.5, 0.9]"));
        assertEquals(List.of(0.1, 0.5, 0.9), c.model().quantiles());
        assertArrayEquals(new float[] {0.1f, 0.5f, 0.9f}, c.model().loss().quantiles(), "the pinball loss's levels");
        assertEquals(0, TrainConfig.load(null, List.of()).model().loss().quantiles().length, "point by default");
        assertEquals("model.quantiles = '[0,0.5]' (--set model.quantiles) lists 0.0; every quantile must be strictly"
                + " between 0 and 1, e.g. [0.1, 0.5, 0.9]", error(List.of("model.quantiles=[0, 0.5]")));
        assertTrue(error(List.of("model.quantiles=[0.5, 1.2]")).contains("lists 1.2; every quantile must be"
                + " strictly between 0 and 1"));
        assertEquals("model.quantiles = '[0.9,0.5,0.1]' (--set model.quantiles) is not strictly increasing (0.9 then"
                + " 0.5); list each quantile once, smallest first, e.g. [0.1, 0.5, 0.9]",
                error(List.of("model.quantiles=[0.9, 0.5, 0.1]")));
        assertTrue(error(List.of("model.quantiles=[0.1, 0.9]")).endsWith("does not include 0.5, the median that is"
                + " the point forecast; add it, e.g. [0.1, 0.5, 0.9]"));
        assertTrue(error(List.of("model.quantiles=[0.1, 0.5, 0.9]", "model.loss=mse")).endsWith("trains with the"
                + " pinball loss, which model.loss = mse is not; set model.loss = mae (the pinball loss) or mase (the"
                + " pinball loss scaled per series)"));
        assertEquals("model.quantiles must be a list of numbers, e.g. [0.1, 0.5, 0.9], got 'median' (--set"
                + " model.quantiles)", error(List.of("model.quantiles=median")));
    }
}
