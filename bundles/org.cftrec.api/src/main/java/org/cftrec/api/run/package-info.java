/**
 * The experiment service: start, list, inspect and cancel runs; list installed plugins.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.run;
