package org.cftrec.weighting.standard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/**
 * The earlier form in the reference code base: w_k = 1 - k / (beta' n) for k = 1..n, with beta' &gt; 1 so
 * that every weight stays positive (the last one is 1 - 1/beta').
 */
@Component(service = WeightingPlugin.class)
@PluginName(name = "inverse", description = "1 - k/(beta*n): the earlier decay of the reference code (beta > 1)")
public class InverseSchedule implements WeightingPlugin<InverseSchedule.Params> {

    public record Params(
            @JsonPropertyDescription("beta' > 1; default 2") Double beta) {
        public Params {
            beta = beta == null ? 2.0 : beta;
            if (!(beta > 1) || beta.isInfinite()) {
                throw new IllegalArgumentException("beta must be a finite number > 1, got " + beta);
            }
        }
    }

    @Override
    public WeightingSchedule bind(Params params) {
        return n -> weights(n, params);
    }

    private double[] weights(int n, Params params) {
        Schedules.checkCount(n);
        double[] w = new double[n];
        for (int k = 1; k <= n; k++) {
            w[k - 1] = 1.0 - k / (params.beta() * n);
        }
        return w;
    }
}
