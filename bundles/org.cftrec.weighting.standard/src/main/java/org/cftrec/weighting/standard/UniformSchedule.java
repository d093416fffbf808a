package org.cftrec.weighting.standard;

import org.cftrec.api.PluginName;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

import java.util.Arrays;

/** Every target token weighs 1: with alpha = 0 this is plain SFT (the BIGRec baseline). */
@Component(service = WeightingPlugin.class)
@PluginName(name = "uniform", description = "weight 1 on every target token (plain SFT with alpha 0)")
public class UniformSchedule implements WeightingPlugin<UniformSchedule.Params> {

    /** No parameters. */
    public record Params() {
    }

    @Override
    public WeightingSchedule bind(Params params) {
        return n -> weights(n, params);
    }

    private double[] weights(int n, Params params) {
        Schedules.checkCount(n);
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        return w;
    }
}
