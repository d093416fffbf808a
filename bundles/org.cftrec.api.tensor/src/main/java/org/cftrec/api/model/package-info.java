/**
 * Backbone LLMs: tokenizer, forward pass with explicit positions, vocabulary logits, save in the Hugging Face layout.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.api.model;
