package org.cftrec.weighting.standard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.Plugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/** w_k = gamma^(k-1): 1 on the first token, decaying geometrically. */
@Component(service = WeightingSchedule.class, property = Plugin.NAME_PROPERTY + "=exponential")
public class ExponentialSchedule implements WeightingSchedule<ExponentialSchedule.Params> {

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
    public Class<Params> parameterType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "gamma^(k-1): geometric decay from the first target token";
    }

    @Override
    public double[] weights(int n, Params params) {
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
