/**
 * Reference recommenders: models that are not LLMs (for example SASRec), trained and scored by the runtime on the
 * same training split and test cases as the run's variants and reported beside them.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.reference;
