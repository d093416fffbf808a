/**
 * The experiment spec: one JSON document describing a run, with explicit defaults and unknown fields rejected.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.spec;
