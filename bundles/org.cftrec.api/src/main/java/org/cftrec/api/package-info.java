/**
 * Core of the plugin API: the {@link org.cftrec.api.Plugin} contract, the plugin kinds and what a plugin is given at run time.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api;
