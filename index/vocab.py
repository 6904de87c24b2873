"""Words people use for frameworks, tasks, layers, tricks and hyperparameters: data, not branches.

Two readers share these tables:
- ``index.text`` writes a gloss of each canonical value into the text that is
  embedded (``imdb`` -> "IMDB movie reviews sentiment"), so plain-language
  questions meet the summaries in the embedding space;
- ``index.understand`` finds the phrases in a question (the app's chat, the
  command line and the benches all read questions through it) and turns them
  into filters, boosts and refinements.

Datasets are not listed here: their names, hints, glosses and families live
once, in ``corpus.knowledge.datasets`` (``IN_WORDS``, ``FAMILIES``).

To teach the search a new word, add a row. Phrases are matched
case-insensitively on whole words, with ``-``, ``_``, ``.`` and spaces
interchangeable or absent (``cifar-10`` = ``cifar 10`` = ``cifar10``), and a
trailing plural ``s`` forgiven.
"""

from __future__ import annotations

from corpus.knowledge import datasets as _ds
from corpus.knowledge.layers import SPEC_TYPES
from corpus.knowledge.vocab import LOSSES, OPTIMIZERS

# canonical dataset -> (gloss embedded with the summary, names): derived for
# ``index.text``; only datasets with a gloss are listed (the others embed their name)
DATASETS: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (words.gloss, words.names) for name, words in _ds.IN_WORDS.items() if words.gloss
}

# framework -> (gloss, names that mean exactly it). "tensorflow" is special:
# people say TensorFlow for tf.keras code, which the record calls keras, so a
# mention of it is a soft boost of both (FRAMEWORK_SOFT), not a filter.
FRAMEWORKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pytorch": ("PyTorch", ("pytorch", "torch", "py torch")),
    "keras": ("Keras", ("keras", "tf keras", "tf.keras", "tensorflow keras")),
    "tensorflow": ("TensorFlow", ()),
    "jax": ("JAX", ("jax", "flax", "haiku")),
}
# Said in the chat, these name a framework outright ("what about TensorFlow?").
FRAMEWORK_NAMES: dict[str, str] = {
    "tensorflow": "tensorflow", "tf": "tensorflow", "tensorflow 2": "tensorflow",
    "pytorch lightning": "pytorch", "lightning": "pytorch",
}
FRAMEWORK_SOFT: dict[str, tuple[str, ...]] = {
    "tensorflow": ("keras", "tensorflow"),
    "tf": ("keras", "tensorflow"),
    "tensorflow 2": ("keras", "tensorflow"),
    "tensorflow2": ("keras", "tensorflow"),
}

# task -> (gloss embedded with the summary, phrases that suggest it). A task
# from a description is a guess, so it is always a boost, never a filter.
TASKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "image_classification": (
        "image classification: recognize what a picture shows",
        ("image classification", "image classifier", "classify images", "classify pictures",
         "classify photos", "recognize images", "recognise images", "image recognition",
         "digit recognition", "recognize digits", "recognise digits", "recognize handwritten",
         "recognise handwritten", "handwriting recognition", "classify digits",
         "classify clothing", "recognize handwritten digits", "handwritten letters", "handwritten characters",
         "classify letters", "recognize letters", "classify satellite images", "satellite images",
         "medical images", "classify animals", "recognize animals", "image classifier", "cnn classifier", "convnet classifier", "tell cats from dogs",
         "cats from dogs", "cat or dog", "dog or cat", "classify x-ray", "x-ray", "skin lesion",
         "traffic signs", "plant disease", "recognize faces", "face recognition", "classify flowers",
         "fine-tune resnet", "classify objects in images", "recognize objects", "recognise objects", "object recognition"),
    ),
    "object_detection": (
        "object detection: locate objects with bounding boxes",
        ("object detection", "detect objects", "detecting objects", "bounding box",
         "bounding boxes", "yolo", "ssd detector", "faster r-cnn", "faster rcnn", "retinanet",
         "locate objects", "detect faces", "face detection", "detect pedestrians", "detect cars"),
    ),
    "image_segmentation": (
        "image segmentation: a class for every pixel",
        ("image segmentation", "semantic segmentation", "instance segmentation", "segment images",
         "segmentation", "segment", "pixel-wise", "per-pixel", "pixel mask", "masks", "u-net",
         "unet", "segment tumors", "segment cells"),
    ),
    "image_generation": (
        "image generation: generate new images, GAN",
        ("image generation", "generate images", "generating images", "generate faces",
         "generate fake", "generate new images", "gan", "gans", "dcgan", "generative adversarial",
         "generator and discriminator", "synthesize images", "style transfer", "diffusion",
         "super resolution", "super-resolution", "image to image", "pix2pix", "cyclegan",
         "generate digits", "generate handwritten", "colorize", "colorization", "inpainting",
         "upscale images", "deepfake", "generate art", "generate anime"),
    ),
    "text_classification": (
        "text classification: sentiment of reviews, topics",
        ("text classification", "classify text", "classify texts", "classify sentences",
         "classify documents", "sentiment", "sentiment analysis", "movie reviews",
         "positive or negative", "positive and negative", "reviews", "review", "product reviews",
         "customer reviews", "liked the", "opinion", "opinions", "polarity", "spam", "spam detection",
         "toxic comments", "classify tweets", "tweets", "news categories", "classify news",
         "topic classification", "intent classification", "fake news", "emotion"),
    ),
    "sequence_labeling": (
        "sequence labeling: tag each word, named entities",
        ("sequence labeling", "sequence labelling", "sequence tagging", "named entity",
         "named entities", "named entity recognition", "ner", "part of speech", "pos tagging",
         "tag words", "tag each word", "chunking", "slot filling", "names of people",
         "people and places", "find names", "extract names", "entities", "entity recognition",
         "extract entities"),
    ),
    "machine_translation": (
        "machine translation: translate between languages, seq2seq",
        ("machine translation", "translate", "translation", "translating", "english to french",
         "english to german", "german to english", "french to english", "seq2seq",
         "sequence to sequence", "encoder decoder translation", "neural machine translation", "nmt"),
    ),
    "language_modeling": (
        "language modeling: predict the next word",
        ("language model", "language modeling", "language modelling", "next word",
         "predict the next word", "word prediction", "perplexity", "word-level language model",
         "character-level language model", "char-rnn", "char rnn"),
    ),
    "text_generation": (
        "text generation: generate text character by character",
        ("text generation", "generate text", "generating text", "write text", "write poems",
         "generate poems", "generate stories", "generate lyrics", "write like shakespeare",
         "generate sentences", "generate names", "chatbot", "chat bot"),
    ),
    "question_answering": (
        "question answering: answer questions about a passage",
        ("question answering", "answer questions", "answering questions", "reading comprehension",
         "qa model", "visual question answering", "vqa"),
    ),
    "speech_recognition": (
        "speech recognition: transcribe spoken audio",
        ("speech recognition", "speech to text", "speech-to-text", "transcribe", "transcription",
         "asr", "spoken words to text", "recognize speech", "recognise speech", "keyword spotting",
         "spoken commands", "voice commands", "spoken", "spoken word", "spoken words", "speech",
         "spoken digits", "voice", "audio into text", "audio to text"),
    ),
    "audio_classification": (
        "audio classification: classify sounds and music",
        ("audio classification", "classify audio", "classify sounds", "sound classification",
         "music genre", "music genres", "genre of", "music", "audio clip", "audio clips", "environmental sounds", "bird sounds", "sounds", "sound clips", "spectrogram",
         "spectrograms", "audio clips", "sound events", "speaker identification"),
    ),
    "time_series_forecasting": (
        "time series forecasting: predict future values, stock prices",
        ("time series", "time-series", "forecast", "forecasting", "predict future",
         "stock price", "stock prices", "stock market", "sales forecast", "predict sales",
         "weather forecast", "predict temperature", "energy consumption", "electricity load",
         "sensor readings", "traffic prediction"),
    ),
    "tabular_regression": (
        "tabular regression: predict a number from table columns",
        ("regression", "tabular regression", "predict house prices", "house prices",
         "house price", "housing prices", "predict a number", "predict price", "continuous value",
         "predict salary", "predict fuel efficiency", "fuel efficiency", "fuel consumption", "mpg",
         "predict insurance", "used car", "car price", "car prices", "price of a house", "price of a car"),
    ),
    "tabular_classification": (
        "tabular classification: classify rows of a table",
        ("tabular classification", "tabular data", "csv", "classify rows", "table of features",
         "structured data", "predict survival", "churn", "credit default", "fraud detection",
         "detect fraud", "fraud", "fraudulent", "bank customer", "bank customers", "customer leave",
         "customers leave", "leave the bank", "predicting diabetes", "predict diabetes", "diabetes",
         "patients", "medical records", "clinical", "credit card transactions", "customer churn", "will churn", "loan approval", "diagnose diabetes", "predict disease", "heart disease",
         "classify iris", "iris species", "income prediction"),
    ),
    "recommendation": (
        "recommendation: recommend items to users from ratings",
        ("recommendation", "recommendations", "recommender", "recommend movies", "recommend items",
         "recommend products", "collaborative filtering", "matrix factorization", "user ratings",
         "ratings", "click-through", "ctr prediction"),
    ),
    "reinforcement_learning": (
        "reinforcement learning: an agent learns to play, rewards",
        ("reinforcement learning", "reinforcement", "q-learning", "q learning", "dqn",
         "deep q network", "policy gradient", "actor critic", "actor-critic", "ppo", "a2c", "a3c",
         "agent", "play games", "play atari", "play a game", "balance a pole", "reward"),
    ),
    "representation_learning": (
        "representation learning: autoencoder, embeddings, reconstruction",
        ("autoencoder", "auto-encoder", "autoencoders", "variational autoencoder", "vae",
         "denoising", "denoise", "compress images", "reconstruct", "reconstruction",
         "compact code", "encode and decode", "remove noise", "noise removal", "clean noisy", "decode it back", "bottleneck", "compress", "latent code",
         "latent space", "embeddings", "word embeddings", "word2vec", "representation learning",
         "self-supervised", "contrastive", "siamese", "similarity", "dimensionality reduction"),
    ),
    "graph_learning": (
        "graph learning: graph neural network on nodes",
        ("graph neural network", "graph neural networks", "gnn", "gcn", "graph convolution",
         "graph convolutional", "node classification", "link prediction", "graph", "graphs",
         "molecules", "citation network", "knowledge graph"),
    ),
    # tasks of the spec the corpus may not hold yet: asked for, they are said to be missing
    # and their nearest tasks (TASK_NEAR) are boosted instead
    "summarization": (
        "summarization: write a short summary of a long text",
        ("summarization", "summarize", "summarise", "summarizing", "summaries", "summary of",
         "text summarization", "abstractive", "extractive summary", "headline generation"),
    ),
    "image_captioning": (
        "image captioning: describe a picture in a sentence",
        ("image captioning", "caption images", "captions", "captioning", "describe images",
         "describe a picture", "describe pictures"),
    ),
    "speech_synthesis": (
        "speech synthesis: text to speech",
        ("speech synthesis", "text to speech", "text-to-speech", "tts", "synthesize speech", "vocoder",
         "generate speech", "voice cloning", "text into speech", "into speech", "natural sounding speech",
         "sounding speech", "speech from text", "read text aloud", "read aloud", "speak text", "make it speak",
         "synthesise speech", "voice synthesis", "synthetic voice", "generate a voice", "generate audio from text"),
    ),
    "anomaly_detection": (
        "anomaly detection: find unusual samples",
        ("anomaly detection", "detect anomalies", "anomalies", "anomalous", "outlier detection", "outliers",
         "novelty detection", "anomaly", "outlier", "unusual", "look unusual", "unusual patterns", "abnormal",
         "abnormal behaviour", "abnormal behavior", "rare events", "detect defects", "defect detection",
         "intrusion detection", "out of distribution"),
    ),
}

# Tasks the corpus may lack -> the tasks whose examples come nearest (boosted instead).
TASK_NEAR: dict[str, tuple[str, ...]] = {
    "summarization": ("text_generation", "machine_translation"),
    "image_captioning": ("text_generation", "image_classification"),
    "speech_synthesis": ("speech_recognition", "audio_classification"),
    "anomaly_detection": ("representation_learning",),
}

# task -> words that name it outright ("only image segmentation", "what about NER"):
# a refinement of the chat. The descriptions of TASKS only boost.
TASK_NAMES: dict[str, tuple[str, ...]] = {
    "image_classification": ("classification", "image classifier"),
    "object_detection": ("detection", "object detector"),
    "image_segmentation": ("segmentation", "semantic segmentation"),
    "image_generation": ("gan", "gans", "generation"),
    "text_classification": ("sentiment", "sentiment analysis", "text classifier"),
    "sequence_labeling": ("ner", "pos tagging"),
    "machine_translation": ("translation", "seq2seq"),
    "language_modeling": ("language model", "language modelling"),
    "question_answering": ("qa",),
    "speech_recognition": ("speech", "asr"),
    "time_series_forecasting": ("forecasting", "time series"),
    "tabular_regression": ("regression",),
    "recommendation": ("recommender", "recommendations"),
    "reinforcement_learning": ("rl",),
    "representation_learning": ("autoencoder", "autoencoders"),
    "graph_learning": ("gnn",),
}

# layer type -> phrases that name it. A named layer is a boost (the parser may
# record a variant: a Bidirectional LSTM still counts as LSTM, see index.metadata).
LAYERS: dict[str, tuple[str, ...]] = {
    "LSTM": ("lstm", "lstms", "long short-term memory", "long short term memory"),
    "GRU": ("gru", "grus", "gated recurrent"),
    "SimpleRNN": ("simple rnn", "simplernn", "vanilla rnn", "elman"),
    "Bidirectional": ("bidirectional", "bi-lstm", "bilstm", "bi-directional", "bigru", "bi-gru"),
    "Conv1D": ("conv1d", "1d convolution", "1d convolutions", "1d cnn", "temporal convolution"),
    "Conv2D": ("conv2d", "2d convolution", "convolutional", "convolutions", "convolution",
               "cnn", "cnns", "convnet", "conv net"),
    "Conv3D": ("conv3d", "3d convolution", "3d cnn"),
    "Conv2DTranspose": ("conv2dtranspose", "transposed convolution", "deconvolution", "deconv"),
    "SeparableConv2D": ("separable convolution", "separableconv2d", "depthwise separable"),
    "Embedding": ("embedding layer", "embedding layers", "word embedding layer"),
    "Attention": ("attention", "attention mechanism", "self-attention", "self attention"),
    "MultiHeadAttention": ("multi-head attention", "multihead attention", "multi head attention"),
    "TransformerEncoder": ("transformer", "transformers", "transformer encoder", "bert"),
    "TransformerDecoder": ("transformer decoder",),
    "BatchNormalization": ("batch norm", "batchnorm", "batch normalization", "batch normalisation"),
    "LayerNormalization": ("layer norm", "layernorm", "layer normalization"),
    "Dropout": ("dropout",),
    "Dense": ("dense layer", "dense layers", "fully connected", "fully-connected", "mlp",
              "multilayer perceptron", "multi-layer perceptron", "feedforward", "feed-forward", "linear layer"),
    "MaxPooling2D": ("max pooling", "maxpooling", "max-pooling"),
    "Pretrained": ("pretrained", "pre-trained", "resnet", "resnet50", "resnet18", "vgg", "vgg16",
                   "mobilenet", "efficientnet", "inception", "densenet"),
    "Add": ("residual", "skip connection", "skip connections", "resnet-style"),
}

# Layer types named as written (a refinement: "with a GRU"): the spec's types
# people ask for (a bare Activation or Custom block is no answer), besides the phrases above.
LAYER_TYPES: tuple[str, ...] = tuple(t for t in SPEC_TYPES if t not in ("Activation", "Custom"))
LAYER_WORDS: dict[str, str] = {
    "conv": "Conv2D", "linear": "Dense", "fc": "Dense", "embeddings": "Embedding",
    "maxpool": "MaxPooling2D", "pooling": "MaxPooling2D", "upsampling": "UpSampling2D",
}

# trick -> words that name it (a refinement: "with attention", "using batch norm");
# each trick's own name (``batch_norm`` -> "batch norm") is added by index.understand.
TRICK_NAMES: dict[str, tuple[str, ...]] = {
    "batch_norm": ("batchnorm", "batch normalization", "bn"),
    "layer_norm": ("layernorm", "layer normalization"),
    "attention": ("self attention",),
    "residual": ("residual connections", "skip connection", "skip connections"),
    "data_augmentation": ("augmentation",),
    "lr_schedule": ("learning rate schedule", "scheduler", "lr scheduler"),
    "pretrained_weights": ("pretrained",),
    "embedding_pretrained": ("pretrained embeddings",),
    "checkpointing": ("checkpoints",),
}

# Optimizer and loss spellings: the code's (corpus.knowledge.vocab) plus how people say them.
OPTIMIZER_WORDS: dict[str, str] = {**OPTIMIZERS, "momentum": "sgd"}
LOSS_WORDS: dict[str, str] = {
    **{k: v for k, v in LOSSES.items() if v != "other"},
    **{v: v for v in set(LOSSES.values()) - {"other"}},
    "cross entropy": "categorical_crossentropy", "l2": "mse", "l1": "mae",
}

# trick -> phrases, for the embedded text (the record's trick words are terse)
TRICK_GLOSS: dict[str, str] = {
    "dropout": "dropout",
    "batch_norm": "batch normalization",
    "layer_norm": "layer normalization",
    "attention": "attention",
    "residual": "residual skip connections",
    "data_augmentation": "data augmentation",
    "early_stopping": "early stopping",
    "lr_schedule": "learning rate schedule",
    "weight_decay": "weight decay",
    "gradient_clipping": "gradient clipping",
    "pretrained_weights": "pretrained weights",
    "transfer_learning": "transfer learning frozen backbone",
    "bidirectional": "bidirectional",
    "embedding_pretrained": "pretrained word embeddings",
    "mixed_precision": "mixed precision",
    "checkpointing": "checkpointing",
}

# Words that only glue a mention to the sentence ("with PyTorch", "on MNIST"):
# dropped with the mention when it becomes a filter.
GLUE_WORDS = ("with", "using", "in", "on", "for", "via", "from", "the", "a", "an", "written in", "trained on")

# Words that turn the mention after them (a word or two away) into its opposite.
NEGATIONS = frozenset({"not", "no", "without", "except", "excluding", "exclude", "drop", "remove", "minus"})
