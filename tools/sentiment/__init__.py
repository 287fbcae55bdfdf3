"""Training the 舆情 sentiment model: the corpus, the held-out sets and the script that writes the model
file the runtime loads (rongmei/monitoring/analysis/engine/data/sentiment_model.npz)."""
