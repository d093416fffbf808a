/**
 * Datasets: catalogue items, examples (history and target as item ids) and the dataset provider plugin kind.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.data;
