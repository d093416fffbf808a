package org.cftrec.weighting.standard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/**
 * The reference code's schedule: w_k = 1 - (k-1)(1-beta)/(n-1) for k = 1..n, i.e. 1.0 on the first target
 * token falling linearly to beta on the last; n = 1 gives w = 1.
 */
@Component(service = WeightingPlugin.class)
@PluginName(name = "linear",
        description = "1 on the first target token, linearly down to beta on the last (reference CFT)")
public class LinearSchedule implements WeightingPlugin<LinearSchedule.Params> {

    public record Params(
            @JsonPropertyDescription("weight of the last token, in (0, 1]; default 0.25") Double beta) {
        public Params {
            beta = beta == null ? 0.25 : beta;
            if (!(beta > 0 && beta <= 1)) {
                throw new IllegalArgumentException("beta must be in (0, 1], got " + beta);
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
            w[k - 1] = n == 1 ? 1.0 : 1.0 - (k - 1) * (1.0 - params.beta()) / (n - 1);
        }
        return w;
    }
}
