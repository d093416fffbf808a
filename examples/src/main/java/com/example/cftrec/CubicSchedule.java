package com.example.cftrec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/**
 * Weighting schedule {@code cubic}: w_k = 1 - (1 - floor) ((k-1)/(n-1))^3 — the first title tokens keep nearly
 * full weight and the decay comes late.
 */
@Component(service = WeightingPlugin.class)
@PluginName(name = "cubic", description = "example plugin: cubic decay from 1 to floor")
public class CubicSchedule implements WeightingPlugin<CubicSchedule.Params> {

    public record Params(
            @JsonPropertyDescription("weight of the last token, in [0, 1]; default 0.25") Double floor) {
        public Params {
            floor = floor == null ? 0.25 : floor;
            if (!(floor >= 0 && floor <= 1)) {
                throw new IllegalArgumentException("floor must be in [0, 1], got " + floor);
            }
        }
    }

    @Override
    public WeightingSchedule bind(Params params) {
        return n -> {
            double[] w = new double[n];
            for (int k = 1; k <= n; k++) {
                double x = n == 1 ? 0 : (k - 1) / (double) (n - 1);
                w[k - 1] = 1 - (1 - params.floor()) * x * x * x;
            }
            return w;
        };
    }
}
