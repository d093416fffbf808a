/**
 * Trainers: the training job a trainer runs, the loss terms it optimises, progress and result.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.train;
