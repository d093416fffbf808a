/**
 * Token weighting schedules: the weight of each target token in the losses.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.weighting;
