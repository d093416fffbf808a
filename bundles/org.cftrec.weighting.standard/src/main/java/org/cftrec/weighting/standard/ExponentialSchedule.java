package org.cftrec.weighting.standard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/** w_k = gamma^(k-1): 1 on the first token, decaying geometrically. */
@Component(service = WeightingPlugin.class)
@PluginName(name = "exponential", description = "gamma^(k-1): geometric decay from the first target token")
public class ExponentialSchedule implements WeightingPlugin<ExponentialSchedule.Params> {

    public record Params(
            @JsonPropertyDescription("decay factor in (0, 1]; default 0.8") Double gamma) {
        public Params {
            gamma = gamma == null ? 0.8 : gamma;
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
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
        double value = 1.0;
        for (int k = 0; k < n; k++) {
            w[k] = value;
            value *= params.gamma();
        }
        return w;
    }
}
