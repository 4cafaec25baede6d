package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code forecast.fallback}: which series a simple baseline forecasts instead of the network. The choice is made
 * per series from the training report's backtest of the validation tail (the model's MAE against naive's and
 * seasonal naive's on the same held-out points); series the report does not cover keep the model's forecast.
 * A baseline takes over only when its MAE is strictly lower, so a tie keeps the model.
 */
public enum Fallback implements Choice {
    /** The model forecasts every series. */
    NONE,
    /** Naive (the last value repeated) where it beat the model. */
    NAIVE,
    /** Seasonal naive (the value one season earlier) where it beat the model. */
    SEASONAL_NAIVE,
    /** The better of naive and seasonal naive where it beat the model. */
    BEST;

    /** What forecasts a series: the model or one of the two baselines. */
    public enum Source {
        MODEL, NAIVE, SEASONAL_NAIVE;

        /** The name in the forecast's {@code source} column and of the backtest's methods ({@code Backtest.METHODS}). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The baseline that computes this source's forecasts (none for the model). */
        public Baseline baseline() {
            return switch (this) {
                case MODEL -> Baseline.NONE;
                case NAIVE -> Baseline.NAIVE;
                case SEASONAL_NAIVE -> Baseline.SEASONAL_NAIVE;
            };
        }
    }

    /**
     * The source of a series whose validation-tail MAEs were {@code model}, {@code naive} and {@code seasonal}
     * (NaN where unknown: an unknown baseline never takes over, an unknown model error gives way to a known
     * baseline).
     */
    public Source choose(double model, double naive, double seasonal) {
        boolean naiveWins = this != NONE && this != SEASONAL_NAIVE && beats(naive, model);
        boolean seasonalWins = this != NONE && this != NAIVE && beats(seasonal, model);
        if (naiveWins && seasonalWins) {
            return seasonal <= naive ? Source.SEASONAL_NAIVE : Source.NAIVE;
        }
        return naiveWins ? Source.NAIVE : seasonalWins ? Source.SEASONAL_NAIVE : Source.MODEL;
    }

    private static boolean beats(double baseline, double model) {
        return Double.isFinite(baseline) && (!Double.isFinite(model) || baseline < model);
    }
}
