package org.cftrec.api;

import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class PluginParameterTypeTest {

    record Params(Double floor) {
    }

    static final class Direct implements WeightingPlugin<Params> {
        @Override
        public WeightingSchedule bind(Params params) {
            return n -> new double[n];
        }
    }

    /** A base class that leaves P to its subclasses, with a type variable renamed on the way. */
    abstract static class Base<Q, Unused> implements WeightingPlugin<Q> {
        @Override
        public WeightingSchedule bind(Q params) {
            return n -> new double[n];
        }
    }

    static final class ThroughBase extends Base<Params, String> {
    }

    static final class GenericParams implements Plugin<List<String>, Object> {
        @Override
        public Object bind(List<String> params) {
            return params;
        }
    }

    static class Open<P> implements WeightingPlugin<P> {
        @Override
        public WeightingSchedule bind(P params) {
            return n -> new double[n];
        }
    }

    @Test
    public void theParameterTypeIsReadFromTheImplementedKind() {
        assertEquals(Params.class, new Direct().parameterType());
    }

    @Test
    public void aBaseClassBetweenThePluginAndItsKindIsFollowed() {
        assertEquals(Params.class, new ThroughBase().parameterType());
    }

    @Test
    public void aParameterizedTypeGivesItsRawClass() {
        assertEquals(List.class, new GenericParams().parameterType());
    }

    @Test
    public void aPluginThatLeavesItsTypeOpenIsToldHowToDeclareIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Open<Params>().parameterType());
        assertTrue(e.getMessage(), e.getMessage().contains(Open.class.getName() + " does not say its parameter type"));
        assertTrue(e.getMessage(), e.getMessage().contains("implements WeightingPlugin<MyPlugin.Params>"));
    }
}
