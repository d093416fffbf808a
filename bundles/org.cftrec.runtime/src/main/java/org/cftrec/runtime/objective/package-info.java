/**
 * The CFT objective: paired factual/counterfactual batches (two forward calls, or one stacked) and the losses
 * L_n, L_c and L_n + alpha L_c at the target positions. Exported for trainers and benchmarks.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.runtime.objective;
