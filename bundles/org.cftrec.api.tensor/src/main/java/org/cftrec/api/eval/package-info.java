/**
 * Evaluators: decoding and grounding protocols that rank the catalogue for each test case.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.eval;
