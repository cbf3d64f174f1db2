/**
 * Trainers of the PMML demo models: an ordinary-least-squares {@code RegressionModel} and a
 * CART-style {@code TreeModel}, fitted in plain Java on {@code testdata/files/wine.csv} and written
 * with the JPMML object model.
 */
package dev.modelserving.beam.testdata.pmml;
