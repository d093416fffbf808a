/**
 * Exports of a dataset in other projects' layouts (BIGRec JSON).
 */
package org.cftrec.runtime.export;
