"""Words people use for datasets, frameworks, tasks and layers: data, not branches.

Two readers share these tables:
- ``index.text`` writes a gloss of each canonical value into the text that is
  embedded (``imdb`` -> "IMDB movie reviews sentiment"), so plain-language
  questions meet the summaries in the embedding space;
- ``index.understand`` finds the phrases in a question and turns them into
  filters (explicit names) or boosts (guesses from a description).

To teach the search a new word, add a row. Phrases are matched
case-insensitively on word boundaries, with ``-``, ``_`` and spaces
interchangeable (``cifar-10`` = ``cifar 10`` = ``cifar10``).
"""

from __future__ import annotations

# canonical dataset -> (gloss embedded with the summary, names that mean exactly it)
DATASETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mnist": ("MNIST handwritten digits", ("mnist", "mnist digits")),
    "fashion_mnist": ("Fashion-MNIST clothing images", ("fashion mnist", "fashion-mnist", "fmnist", "zalando",
                                                      "mnist fashion")),
    "emnist": ("EMNIST handwritten letters", ("emnist",)),
    "kmnist": ("KMNIST Japanese characters", ("kmnist",)),
    "cifar10": ("CIFAR-10 small color images", ("cifar10", "cifar 10")),
    "cifar100": ("CIFAR-100 small color images", ("cifar100", "cifar 100")),
    "svhn": ("SVHN street view house numbers", ("svhn", "street view house numbers")),
    "stl10": ("STL-10 images", ("stl10", "stl 10")),
    "imagenet": ("ImageNet images", ("imagenet", "ilsvrc", "tiny imagenet")),
    "coco": ("COCO objects", ("coco", "ms coco", "mscoco")),
    "voc": ("Pascal VOC objects", ("voc", "pascal voc", "pascal")),
    "celeba": ("CelebA celebrity faces", ("celeba", "celeb a")),
    "cats_vs_dogs": ("cats vs dogs images", ("cats vs dogs", "cats and dogs", "dogs vs cats", "cats_vs_dogs")),
    "flowers": ("flower photos", ("flowers102", "oxford flowers", "tf flowers", "tf_flowers")),
    "omniglot": ("Omniglot characters", ("omniglot",)),
    "lsun": ("LSUN scenes", ("lsun",)),
    "cityscapes": ("Cityscapes street scenes", ("cityscapes",)),
    "imdb": ("IMDB movie reviews sentiment", ("imdb",)),
    "reuters": ("Reuters newswire topics", ("reuters",)),
    "ag_news": ("AG News articles", ("ag news", "ag_news", "agnews")),
    "sst2": ("SST-2 Stanford sentiment treebank", ("sst2", "sst 2", "sst", "stanford sentiment treebank")),
    "yelp": ("Yelp reviews", ("yelp",)),
    "20newsgroups": ("20 Newsgroups posts", ("20 newsgroups", "twenty newsgroups", "newsgroups")),
    "ptb": ("Penn Treebank text", ("ptb", "penn treebank")),
    "wikitext2": ("WikiText-2 text", ("wikitext2", "wikitext 2", "wikitext")),
    "shakespeare": ("Shakespeare text", ("shakespeare", "tiny shakespeare")),
    "squad": ("SQuAD questions and answers", ("squad",)),
    "multi30k": ("Multi30k translation pairs", ("multi30k",)),
    "wmt14": ("WMT14 translation", ("wmt 14",)),
    "wmt16": ("WMT16 translation", ("wmt 16",)),
    "conll2003": ("CoNLL-2003 named entities", ("conll2003", "conll 2003", "conll")),
    "boston_housing": ("Boston housing prices", ("boston housing", "boston")),
    "california_housing": ("California housing prices", ("california housing",)),
    "iris": ("Iris flowers", ("iris",)),
    "titanic": ("Titanic passengers survival", ("titanic",)),
    "wine": ("wine quality", ("wine quality", "wine dataset")),
    "diabetes": ("diabetes", ("diabetes", "pima")),
    "breast_cancer": ("breast cancer", ("breast cancer",)),
    "adult": ("Adult census income", ("adult census", "census income")),
    "speech_commands": ("Speech Commands spoken words", ("speech commands", "speech_commands")),
    "librispeech": ("LibriSpeech spoken audio", ("librispeech",)),
    "timit": ("TIMIT speech", ("timit",)),
    "urbansound8k": ("UrbanSound8K sounds", ("urbansound8k", "urbansound", "urban sound")),
    "esc50": ("ESC-50 environmental sounds", ("esc50", "esc 50")),
    "movielens": ("MovieLens ratings", ("movielens", "movie lens")),
    "cora": ("Cora citation graph", ("cora",)),
    "citeseer": ("CiteSeer citation graph", ("citeseer",)),
    "yahoo_finance": ("stock market prices", ("yahoo finance", "yfinance")),
    "airline_passengers": ("airline passengers", ("airline passengers",)),
    "jena_climate": ("Jena climate weather", ("jena climate", "jena")),
    "cartpole": ("CartPole game", ("cartpole", "cart pole")),
    "atari": ("Atari games", ("atari", "pong", "breakout")),
    "synthetic": ("synthetic generated data", ()),
    "custom": ("custom local data", ()),
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
         "generate sentences", "generate names", "chatbot", "chat bot", "summarization",
         "summarize", "image captioning", "caption images", "captions"),
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
         "self-supervised", "contrastive", "siamese", "similarity", "anomaly detection",
         "detect anomalies", "dimensionality reduction"),
    ),
    "graph_learning": (
        "graph learning: graph neural network on nodes",
        ("graph neural network", "graph neural networks", "gnn", "gcn", "graph convolution",
         "graph convolutional", "node classification", "link prediction", "graph", "graphs",
         "molecules", "citation network", "knowledge graph"),
    ),
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

# phrases that suggest a dataset without naming it: a boost, never a filter
DATASET_HINTS: dict[str, tuple[str, ...]] = {
    "movie reviews": ("imdb",),
    "movie review": ("imdb",),
    "handwritten digits": ("mnist",),
    "handwritten digit": ("mnist",),
    "digits": ("mnist", "svhn"),
    "clothing": ("fashion_mnist",),
    "clothes": ("fashion_mnist",),
    "house prices": ("boston_housing", "california_housing", "house_prices"),
    "housing prices": ("boston_housing", "california_housing", "house_prices"),
    "wmt": ("wmt14", "wmt16"),
    "fuel efficiency": ("auto_mpg",),
    "mpg": ("auto_mpg",),
    "spam": ("sms_spam",),
    "toxic comments": ("jigsaw_toxic",),
    "traffic signs": ("gtsrb",),
    "x ray": ("chest_xray",),
    "chest x rays": ("chest_xray",),
    "pneumonia": ("chest_xray",),
    "facial expressions": ("fer2013",),
    "music genres": ("gtzan",),
    "music genre": ("gtzan",),
    "credit card fraud": ("credit_card_fraud",),
    "credit card": ("credit_card_fraud",),
    "anime faces": ("anime_faces",),
    "celebrity faces": ("celeba",),
    "faces": ("celeba",),
    "news articles": ("ag_news", "reuters", "20newsgroups"),
    "newswire": ("reuters",),
    "stock prices": ("yahoo_finance",),
    "stock price": ("yahoo_finance",),
    "movie ratings": ("movielens",),
    "spoken commands": ("speech_commands",),
    "passengers survived": ("titanic",),
    "survival": ("titanic",),
    "cats": ("cats_vs_dogs",),
    "dogs": ("cats_vs_dogs",),
    "cart pole": ("cartpole",),
    "balance a pole": ("cartpole",),
}

# Dataset names from the corpus's own table (corpus.knowledge.datasets) that are common
# words, so a question using them means the word, not the dataset.
DATASET_NAME_STOP = frozenset({
    "adult", "alice", "blackjack", "churn", "cola", "digits", "emotion", "enzymes", "heart",
    "insurance", "kinetics", "malaria", "mushroom", "pendulum", "proteins", "sonar", "sunspots",
    "taxi", "wine", "zinc", "glue", "flowers", "diabetes", "custom", "synthetic", "ett",
})

# Words that only glue a mention to the sentence ("with PyTorch", "on MNIST"):
# dropped with the mention when it becomes a filter.
GLUE_WORDS = ("with", "using", "in", "on", "for", "via", "from", "the", "a", "an", "written in", "trained on")
