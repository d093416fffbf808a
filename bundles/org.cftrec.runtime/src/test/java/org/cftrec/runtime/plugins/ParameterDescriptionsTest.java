package org.cftrec.runtime.plugins;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.run.ParameterInfo;
import org.cftrec.api.spec.WeightScope;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;

public class ParameterDescriptionsTest {

    /** A parameter record written the way the Plugin contract asks: defaults and checks in the constructor. */
    public record Params(
            @JsonPropertyDescription("folder of the data") String path,
            @JsonPropertyDescription("weight of the last token, in (0, 1]") Double beta,
            Integer steps,
            WeightScope scope,
            List<String> modules,
            Boolean verbose,
            Adapter lora) {
        public Params {
            if (path == null) {
                throw new IllegalArgumentException("path is required: the folder");
            }
            beta = beta == null ? 0.25 : beta;
            steps = steps == null ? 10 : steps;
            scope = scope == null ? WeightScope.BOTH : scope;
            modules = modules == null ? List.of("q_proj", "v_proj") : modules;
        }
    }

    public record Adapter(@JsonPropertyDescription("r") Integer rank) {
        public Adapter {
            rank = rank == null ? 8 : rank;
        }
    }

    @Test
    public void namesTypesDefaultsAndDescriptionsComeFromTheRecord() {
        assertEquals(List.of(
                new ParameterInfo("path", "string", "required", "folder of the data"),
                new ParameterInfo("beta", "number", "0.25", "weight of the last token, in (0, 1]"),
                new ParameterInfo("steps", "integer", "10", ""),
                new ParameterInfo("scope", "one of both | counterfactual-only", "\"both\"", ""),
                new ParameterInfo("modules", "list of string", "[\"q_proj\",\"v_proj\"]", ""),
                new ParameterInfo("verbose", "boolean", "none", ""),
                new ParameterInfo("lora", "object", "none", ""),
                new ParameterInfo("lora.rank", "integer", "8", "r")),
                ParameterDescriptions.of(Params.class));
    }

    public record Refusing(Double x) {
        public Refusing {
            throw new IllegalArgumentException("this record refuses everything");
        }
    }

    @Test
    public void aRecordThatRefusesEveryValueStillListsItsParameters() {
        assertEquals(List.of(new ParameterInfo("x", "number", "", "")), ParameterDescriptions.of(Refusing.class));
        assertEquals(List.of(), ParameterDescriptions.of(String.class));
    }
}
