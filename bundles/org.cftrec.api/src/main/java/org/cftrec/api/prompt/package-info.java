/**
 * Prompt templates: the factual and counterfactual rendering of an example, and the target text.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.prompt;
