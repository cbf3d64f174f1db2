/**
 * Writes trained weights as PMML 4.4 {@code RegressionModel}s, which the PMML format plug-in of
 * the serving side loads like any other PMML file. Plain XML: no PMML library is needed to write.
 */
package dev.modelserving.beam.training.pmml;
