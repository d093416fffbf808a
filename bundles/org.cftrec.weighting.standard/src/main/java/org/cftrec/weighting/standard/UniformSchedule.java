package org.cftrec.weighting.standard;

import org.cftrec.api.Plugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.osgi.service.component.annotations.Component;

import java.util.Arrays;

/** Every target token weighs 1: with alpha = 0 this is plain SFT (the BIGRec baseline). */
@Component(service = WeightingSchedule.class, property = Plugin.NAME_PROPERTY + "=uniform")
public class UniformSchedule implements WeightingSchedule<UniformSchedule.Params> {

    /** No parameters. */
    public record Params() {
    }

    @Override
    public Class<Params> parameterType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "weight 1 on every target token (plain SFT with alpha 0)";
    }

    @Override
    public double[] weights(int n, Params params) {
        Schedules.checkCount(n);
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        return w;
    }
}
