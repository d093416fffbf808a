package org.cftrec.weighting.standard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

/** 1 on the first m target tokens, then a constant floor. */
@Component(service = WeightingPlugin.class)
@PluginName(name = "step", description = "1 on the first m target tokens, then a floor")
public class StepSchedule implements WeightingPlugin<StepSchedule.Params> {

    public record Params(
            @JsonPropertyDescription("how many leading tokens weigh 1, >= 1; default 3") Integer first,
            @JsonPropertyDescription("weight of the remaining tokens, in [0, 1]; default 0.25") Double floor) {
        public Params {
            first = first == null ? 3 : first;
            floor = floor == null ? 0.25 : floor;
            if (first < 1) {
                throw new IllegalArgumentException("first must be >= 1, got " + first);
            }
            if (!(floor >= 0 && floor <= 1)) {
                throw new IllegalArgumentException("floor must be in [0, 1], got " + floor);
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
        for (int k = 0; k < n; k++) {
            w[k] = k < params.first() ? 1.0 : params.floor();
        }
        return w;
    }
}
