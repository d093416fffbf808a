package org.cftrec.api;

import org.osgi.service.component.annotations.ComponentPropertyType;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a plugin component: put it beside {@code @Component} and Declarative Services registers the service
 * properties {@value Plugin#NAME_PROPERTY} and {@value Plugin#DESCRIPTION_PROPERTY}, e.g.
 * <pre>{@code
 * @Component(service = WeightingPlugin.class)
 * @PluginName(name = "cubic", description = "(1 - (k-1)/n)^3: a steeper decay")
 * public final class CubicSchedule implements WeightingPlugin<CubicSchedule.Params> { ... }
 * }</pre>
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PluginName {

    /** Maps the elements to {@code cftrec.name} and {@code cftrec.description}. */
    String PREFIX_ = "cftrec.";

    /** The name specs use, unique within the plugin's kind (a higher service ranking wins a tie). */
    String name();

    /** One sentence for the console's plugin listing. */
    String description() default "";
}
