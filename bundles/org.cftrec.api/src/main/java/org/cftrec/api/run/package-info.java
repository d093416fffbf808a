/**
 * The experiment service: start, list, inspect and cancel runs; list installed plugins.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.run;
