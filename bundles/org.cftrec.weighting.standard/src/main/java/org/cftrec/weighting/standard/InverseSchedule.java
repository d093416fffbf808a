package org.cftrec.weighting.standard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.Plugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/**
 * The earlier form in the reference code base: w_k = 1 - k / (beta' n) for k = 1..n, with beta' &gt; 1 so
 * that every weight stays positive (the last one is 1 - 1/beta').
 */
@Component(service = WeightingSchedule.class, property = Plugin.NAME_PROPERTY + "=inverse")
public class InverseSchedule implements WeightingSchedule<InverseSchedule.Params> {

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
    public Class<Params> parameterType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "1 - k/(beta*n): the earlier decay of the reference code (beta > 1)";
    }

    @Override
    public double[] weights(int n, Params params) {
        Schedules.checkCount(n);
        double[] w = new double[n];
        for (int k = 1; k <= n; k++) {
            w[k - 1] = 1.0 - k / (params.beta() * n);
        }
        return w;
    }
}
