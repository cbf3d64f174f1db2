/**
 * The PMML model format ({@code "pmml"}): scores records with JPMML-Evaluator.
 *
 * <p>This module is AGPL-3.0 because JPMML-Evaluator is; the core library does not depend on it.
 */
package dev.modelserving.beam.format.pmml;
