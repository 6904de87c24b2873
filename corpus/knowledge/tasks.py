"""Task inference rules, as data: words and code signals -> (task, weight).

:mod:`corpus.readers.facts` adds up the weights of every rule that fires for a
model and takes the task with the highest score. Weights encode priority:

- 10: the code leaves no doubt (a gym environment, CTC loss, a GAN's
  generator/discriminator pair, an autoencoder fitted on its own input);
- 8: a library head or module that names the task (``AutoModelForQuestionAnswering``,
  ``torch_geometric``, ``torchvision.models.detection``);
- 6: the dataset's usual task (``mnist`` -> ``image_classification``), a
  word of the file path (``unet``, ``dcgan``, ``seq2seq``; a path word and
  the dataset tie, and ties go to the more specific task: :data:`TIE_ORDER`);
- 5: a word of the model's name;
- 1-6: the shape of the model (a U-Net with a per-pixel output, Embedding +
  LSTM + small softmax, Dense-only + mse + one unit, a pretrained backbone's
  name), identifiers and functions of the code, and words of the README
  (ignored when it names more than three tasks: a collection's README).

To teach a new spelling, add a row.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.record.summary import TASKS  # noqa: F401 - the rules below name only these tasks

# When two tasks score the same, the one earlier here wins (the more specific first).
TIE_ORDER = (
    "reinforcement_learning", "graph_learning", "speech_synthesis", "speech_recognition",
    "image_captioning", "summarization", "anomaly_detection", "object_detection",
    "image_segmentation", "image_generation", "machine_translation", "question_answering",
    "sequence_labeling", "representation_learning", "recommendation", "time_series_forecasting",
    "text_generation", "language_modeling", "audio_classification", "text_classification",
    "image_classification", "tabular_regression", "tabular_classification",
)

WEIGHT_CERTAIN = 10.0
WEIGHT_LIBRARY = 8.0
WEIGHT_DATASET = 6.0
WEIGHT_MODEL_NAME = 5.0
WEIGHT_PATH = 6.0
WEIGHT_CODE_NAME = 2.0  # function and class names elsewhere in the file
WEIGHT_README = 1.0
WEIGHT_REPO_NAME = 4.0  # the repository's name (``Image-Captioning``, ``pointer_summarizer``)
README_CAP = 3.0
# Tasks whose models are usually built as a GAN, an autoencoder or an encoder/decoder pair (a
# vocoder, an anomaly detector, a captioner, a summarizer): when the file's own words give one of them
# at least DOMAIN_MIN, that structure votes for it.
STRUCTURE_DOMAINS = ("speech_synthesis", "anomaly_detection", "image_captioning", "summarization")
DOMAIN_MIN = 3.0
# Below this, a score is noise: the task stays `unknown`.
MIN_SCORE = 1.5

# Words in names (model, class, file path, function) and README text.
# Matched as regexes on a lower-cased text where every non-alphanumeric run
# and every camelCase boundary became one space (``DCGAN_mnist`` -> ``dcgan mnist``).
NAME_RULES: tuple[tuple[str, str, float], ...] = (
    # (regex, task, relative weight: 1 = full weight of the source)
    (r"\b(gan|gans|dcgan|wgan|wgan gp|wgangp|cgan|acgan|lsgan|infogan|stylegan|cyclegan|began|sngan|"
     r"biggan|srgan|esrgan|progan|pix2pix|ebgan|bigan|dragan)\b", "image_generation", 1.0),
    (r"\b(generator|discriminator|netg|netd|critic gan|adversarial)\b", "image_generation", 0.6),
    (r"\b(diffusion|ddpm|ddim|score matching|style transfer|neural style|super resolution|srcnn|"
     r"image generation|deep dream|deepdream|inpainting|colori[sz]ation)\b", "image_generation", 0.8),
    (r"\b(autoencoder|autoencoders|auto encoder|vae|cvae|beta vae|vqvae|vq vae|denoising|"
     r"variational|dae|sae|word2vec|skip ?gram|cbow|siamese|contrastive|simclr|byol|triplet|"
     r"glove training|doc2vec|representation learning|metric learning)\b",
     "representation_learning", 0.9),
    # self-supervised pretraining (lightly's and the papers' names): no labels, an embedding learned
    (r"\b(self supervised|selfsupervised|moco|moco ?v[23]|simsiam|barlow ?twins|swav|ibot|dino|dino ?v2|nnclr|"
     r"vicreg|dcl|dclw|msn|pmsn|smog|tico|mmcr)\b", "representation_learning", 0.9),
    # (not LSTM-FCN / MLSTM-FCN, the time-series classifiers)
    (r"\b(unet|u net|segnet|deeplab|deeplabv3|(?<!lstm )fcn|pspnet|linknet|segmentation|segment|mask(s)? prediction|"
     r"semantic seg)\b", "image_segmentation", 1.0),
    (r"\b(yolo|yolov\d|ssd|rcnn|r cnn|fasterrcnn|faster rcnn|mask rcnn|maskrcnn|retinanet|detr|"
     r"object detection|object detector|bounding box\w*|bbox\w*|anchor boxes)\b", "object_detection", 1.0),
    # "pneumonia detection", "fraud detection", "emotion detection": mostly not boxes
    (r"\b(detection|detector|detect)\b", "object_detection", 0.3),
    (r"\b(speech emotion|audio emotion|voice emotion|emotion recognition from speech)\b",
     "audio_classification", 1.0),
    (r"\b(speech|voice|speaker)\b", "audio_classification", 0.4),
    (r"\b(translat\w*|nmt|seq2seq|sequence to sequence|encoder decoder|eng fra|fra eng|"
     r"english to \w+|\w+ to english)\b", "machine_translation", 0.8),
    (r"\b(language model\w*|word language model|lm|nnlm|rnnlm|ngram\w*|n gram\w*|gpt|gpt2|nanogpt|mingpt|bigram|"
     r"perplexity|next word)\b", "language_modeling", 0.9),
    (r"\b(bert|roberta|masked lm|mlm)\b", "language_modeling", 0.4),
    (r"\b(caption\w*|show and tell|show attend (and )?tell|im2txt|img2txt|neural image caption\w*)\b",
     "image_captioning", 1.0),
    (r"\b(summari[sz]\w*|pointer generator|abstractive|extractive|headline generation|presumm|bertsum|"
     r"textrank|rouge)\b", "summarization", 1.0),
    (r"\b(tts|text to speech|speech synthesis|synthesi[sz]er|tacotron\d*|fastspeech\d*|fast speech|wavenet|"
     r"waveglow|wavernn|melgan|mel gan|hifi ?gan|vocoder\w*|vits2|glow tts|dc tts|deep voice|deepvoice|"
     # VITS the TTS model only beside speech words: "vits" alone is most often vision transformers (ViTs)
     r"vits(?= tts| speech| vocoder| text to speech)|voice cloning|griffin lim)\b", "speech_synthesis", 1.0),
    (r"\b(anomal\w*|outlier\w*|novelty detection|intrusion detection|fraud detection|deep svdd|svdd|"
     r"ganomaly|anogan|dagmm|telemanom|omnianomaly|reconstruction error)\b", "anomaly_detection", 1.0),
    (r"\b(char rnn|charrnn|char lstm|charlstm)\b", "text_generation", 0.8),
    (r"\b(chatbot|chat bot|dialog\w*|conversation\w*|autocomplete)\b", "text_generation", 0.8),
    (r"\b(text generation|generate text|text generator|textgen|poem|poetry|lyrics|story generation|"
     r"char(acter)? level generation|sample text)\b", "text_generation", 1.0),
    (r"\b(sentiment|spam|text classification|text classifier|textcnn|text cnn|textrnn|fasttext|"
     r"toxic|sarcasm|hate speech|intent|fake news|news classification|document classification|"
     r"review classification)\b", "text_classification", 1.0),
    (r"\b(ner|named entity|pos tag\w*|part of speech|crf|chunking|slot filling|tagger|tagging|"
     r"token classification)\b", "sequence_labeling", 1.0),
    (r"\b(qa|question answering|question answer|squad|babi|memnn|memory network|reading comprehension|"
     r"bidaf|qanet|drqa|attention flow|answer span)\b", "question_answering", 1.0),
    (r"\b(keyword spotting|kws|wake word|hotword|trigger word)\b", "audio_classification", 1.0),
    (r"\b(asr|speech recognition|speech to text|stt|ctc|deepspeech|wav2vec|listen attend spell|"
     r"transcri\w+)\b", "speech_recognition", 1.0),
    (r"\b(audio classification|audio|sound|music genre|genre classification|urban ?sound|keyword spotting|"
     r"spoken digit|environmental sound|spectrogram|mfcc)\b", "audio_classification", 0.7),
    (r"\b(stock|stocks|forecast\w*|time ?series|timeseries|price prediction|sales|weather|"
     r"temperature|energy consumption|airline|sunspot\w*|bitcoin|btc|crypto\w*|trading|"
     r"sequence prediction|load forecasting|rul|remaining useful life)\b", "time_series_forecasting", 1.0),
    (r"\b(house price\w*|housing|boston|salary|insurance|mpg|price estimation)\b", "tabular_regression", 0.8),
    (r"(?<!logistic )(?<!softmax )\b(regression|regressor)\b", "tabular_regression", 0.5),
    (r"\b(tabular|titanic|churn|fraud|credit|loan|diabetes|heart disease|income|census|survival)\b",
     "tabular_classification", 0.8),
    (r"\b(recommend\w*|collaborative filtering|matrix factori[sz]ation|ncf|neumf|neural cf|movielens|"
     r"user item|rating prediction|lightgcn|light gcn|ngcf|pinsage|bpr loss)\b", "recommendation", 1.0),
    (r"\b(wide (and|&) deep)\b", "recommendation", 0.4),
    (r"\b(dqn|ddqn|q learning|qlearning|q network|policy gradient|reinforce|actor critic|a2c|a3c|ppo|"
     r"ddpg|td3|sac|reinforcement|replay (buffer|memory)|epsilon greedy|cartpole|atari|gym)\b",
     "reinforcement_learning", 1.0),
    (r"\b(gcn|gat|graphsage|graph sage|gnn|graph neural|graph convolution\w*|node classification|"
     r"message passing|graph classification|link prediction)\b", "graph_learning", 1.0),
    (r"\b(image classification|image classifier|classify images|digit recognition|digit classification|"
     r"handwritten digits?|cats? (and|vs) dogs?|dogs? (and|vs) cats?|transfer learning|fine ?tun\w*)\b",
     "image_classification", 0.8),
    (r"\b(resnet\d*|vgg\d*|alexnet|lenet\d*|mobilenet\w*|efficientnet\w*|densenet\d*|inception\w*|"
     r"xception|squeezenet|shufflenet|googlenet|convnet|cnn)\b", "image_classification", 0.4),
)

# Imports (dotted prefixes of what the script imports) -> task, weight.
IMPORT_RULES: tuple[tuple[str, str, float], ...] = (
    ("torch_geometric", "graph_learning", WEIGHT_LIBRARY),
    ("dgl", "graph_learning", WEIGHT_LIBRARY),
    ("spektral", "graph_learning", WEIGHT_LIBRARY),
    ("stellargraph", "graph_learning", WEIGHT_LIBRARY),
    ("networkx", "graph_learning", 2.0),
    ("gym", "reinforcement_learning", WEIGHT_LIBRARY),
    ("gymnasium", "reinforcement_learning", WEIGHT_LIBRARY),
    ("ale_py", "reinforcement_learning", WEIGHT_LIBRARY),
    ("retro", "reinforcement_learning", WEIGHT_LIBRARY),
    ("stable_baselines3", "reinforcement_learning", WEIGHT_LIBRARY),
    ("tf_agents", "reinforcement_learning", WEIGHT_LIBRARY),
    ("torchvision.models.detection", "object_detection", WEIGHT_LIBRARY),
    ("ultralytics", "object_detection", WEIGHT_LIBRARY),
    ("pycocotools", "object_detection", 4.0),
    ("torchvision.models.segmentation", "image_segmentation", WEIGHT_LIBRARY),
    ("segmentation_models_pytorch", "image_segmentation", WEIGHT_LIBRARY),
    ("segmentation_models", "image_segmentation", WEIGHT_LIBRARY),
    ("yfinance", "time_series_forecasting", WEIGHT_DATASET),
    ("pandas_datareader", "time_series_forecasting", WEIGHT_DATASET),
    ("statsmodels.tsa", "time_series_forecasting", 3.0),
    ("torchaudio", "audio_classification", 2.0),
    ("librosa", "audio_classification", 2.0),
    ("python_speech_features", "speech_recognition", 2.0),
    ("surprise", "recommendation", WEIGHT_LIBRARY),
    ("tensorflow_recommenders", "recommendation", WEIGHT_LIBRARY),
    ("gensim", "representation_learning", 1.0),
    ("lightly", "representation_learning", WEIGHT_LIBRARY),
    ("torchtext", "text_classification", 1.0),
    ("rouge", "summarization", 4.0),
    ("rouge_score", "summarization", 4.0),
    ("pyrouge", "summarization", 4.0),
    ("pyod", "anomaly_detection", WEIGHT_LIBRARY),
    ("TTS", "speech_synthesis", WEIGHT_LIBRARY),
    ("nltk", "text_classification", 0.5),
)

# Calls (last segment of the dotted name, exact) -> task, weight: library
# heads and losses that name the task.
CALL_RULES: dict[str, tuple[str, float]] = {
    "AutoModelForSequenceClassification": ("text_classification", WEIGHT_LIBRARY),
    "BertForSequenceClassification": ("text_classification", WEIGHT_LIBRARY),
    "DistilBertForSequenceClassification": ("text_classification", WEIGHT_LIBRARY),
    "RobertaForSequenceClassification": ("text_classification", WEIGHT_LIBRARY),
    "TFAutoModelForSequenceClassification": ("text_classification", WEIGHT_LIBRARY),
    "TFBertForSequenceClassification": ("text_classification", WEIGHT_LIBRARY),
    "AutoModelForTokenClassification": ("sequence_labeling", WEIGHT_LIBRARY),
    "BertForTokenClassification": ("sequence_labeling", WEIGHT_LIBRARY),
    "TFAutoModelForTokenClassification": ("sequence_labeling", WEIGHT_LIBRARY),
    "AutoModelForQuestionAnswering": ("question_answering", WEIGHT_LIBRARY),
    "BertForQuestionAnswering": ("question_answering", WEIGHT_LIBRARY),
    "TFAutoModelForQuestionAnswering": ("question_answering", WEIGHT_LIBRARY),
    "AutoModelForCausalLM": ("language_modeling", WEIGHT_LIBRARY),
    "GPT2LMHeadModel": ("language_modeling", WEIGHT_LIBRARY),
    "AutoModelForMaskedLM": ("language_modeling", WEIGHT_LIBRARY),
    "BertForMaskedLM": ("language_modeling", WEIGHT_LIBRARY),
    "AutoModelForSeq2SeqLM": ("machine_translation", 5.0),
    "MarianMTModel": ("machine_translation", WEIGHT_LIBRARY),
    "TFAutoModelForSeq2SeqLM": ("machine_translation", 5.0),
    "PegasusForConditionalGeneration": ("summarization", WEIGHT_LIBRARY),
    "BartForConditionalGeneration": ("summarization", 4.0),
    "VisionEncoderDecoderModel": ("image_captioning", WEIGHT_LIBRARY),
    "BlipForConditionalGeneration": ("image_captioning", WEIGHT_LIBRARY),
    "SpeechT5ForTextToSpeech": ("speech_synthesis", WEIGHT_LIBRARY),
    "SpeechT5HifiGan": ("speech_synthesis", WEIGHT_LIBRARY),
    "AutoModelForImageClassification": ("image_classification", WEIGHT_LIBRARY),
    "ViTForImageClassification": ("image_classification", WEIGHT_LIBRARY),
    "AutoModelForObjectDetection": ("object_detection", WEIGHT_LIBRARY),
    "AutoModelForSpeechSeq2Seq": ("speech_recognition", WEIGHT_LIBRARY),
    "Wav2Vec2ForCTC": ("speech_recognition", WEIGHT_LIBRARY),
    "AutoModelForCTC": ("speech_recognition", WEIGHT_LIBRARY),
    "WhisperForConditionalGeneration": ("speech_recognition", WEIGHT_LIBRARY),
    "AutoModelForAudioClassification": ("audio_classification", WEIGHT_LIBRARY),
    "fasterrcnn_resnet50_fpn": ("object_detection", WEIGHT_LIBRARY),
    "fasterrcnn_mobilenet_v3_large_fpn": ("object_detection", WEIGHT_LIBRARY),
    "maskrcnn_resnet50_fpn": ("object_detection", WEIGHT_LIBRARY),
    "retinanet_resnet50_fpn": ("object_detection", WEIGHT_LIBRARY),
    "ssd300_vgg16": ("object_detection", WEIGHT_LIBRARY),
    "FastRCNNPredictor": ("object_detection", WEIGHT_LIBRARY),
    "MaskRCNNPredictor": ("object_detection", WEIGHT_LIBRARY),
    "deeplabv3_resnet50": ("image_segmentation", WEIGHT_LIBRARY),
    "deeplabv3_resnet101": ("image_segmentation", WEIGHT_LIBRARY),
    "fcn_resnet50": ("image_segmentation", WEIGHT_LIBRARY),
    "fcn_resnet101": ("image_segmentation", WEIGHT_LIBRARY),
    "CTCLoss": ("speech_recognition", WEIGHT_CERTAIN),
    "ctc_loss": ("speech_recognition", WEIGHT_CERTAIN),
    "ctc_batch_cost": ("speech_recognition", WEIGHT_CERTAIN),
    "ctc_decode": ("speech_recognition", 4.0),
    "CTCLayer": ("speech_recognition", WEIGHT_CERTAIN),
    "GCNConv": ("graph_learning", WEIGHT_LIBRARY),
    "GATConv": ("graph_learning", WEIGHT_LIBRARY),
    "SAGEConv": ("graph_learning", WEIGHT_LIBRARY),
    "GINConv": ("graph_learning", WEIGHT_LIBRARY),
    "GraphConv": ("graph_learning", WEIGHT_LIBRARY),
    "MelSpectrogram": ("audio_classification", 2.0),
    "MFCC": ("audio_classification", 2.0),
    "stft": ("audio_classification", 1.0),
    "TimeseriesGenerator": ("time_series_forecasting", 5.0),
    "timeseries_dataset_from_array": ("time_series_forecasting", 5.0),
    "text_dataset_from_directory": ("text_classification", 4.0),
    "CRF": ("sequence_labeling", 5.0),
    "nce_loss": ("representation_learning", 6.0),
    "sampled_softmax_loss": ("language_modeling", 3.0),
    "skipgrams": ("representation_learning", 6.0),
    "Word2Vec": ("representation_learning", 3.0),
    "multinomial": ("text_generation", 1.0),
}

# Functions defined in the script whose names say the task (sampling code
# makes a language model a text generator).
DEF_RULES: tuple[tuple[str, str, float], ...] = (
    (r"^(sample|generate|generate_text|sample_text|generate_sequence|sample_from_model|decode_sequence)$",
     "text_generation", 1.5),
    (r"^(translate|translate_sentence|beam_search|greedy_decode)$", "machine_translation", 3.0),
    (r"^(create_dataset|create_sequences|create_windows?|sliding_windows?|split_sequence|"
     r"make_windows?|windowed_dataset|univariate_data|multivariate_data)$", "time_series_forecasting", 2.5),
    (r"^(select_action|choose_action|replay|remember|optimize_model|compute_returns)$",
     "reinforcement_learning", 4.0),
    (r"^(iou|bbox_iou|non_max_suppression|nms)$", "object_detection", 4.0),
    (r"^(summarize|summarise|generate_summary|decode_summary|seq2summary)$", "summarization", 3.0),
    (r"^(generate_caption|caption_image|predict_caption|get_caption|sample_caption)$", "image_captioning", 3.0),
    (r"^(synthesize|synthesise|text_to_speech|tts|inv_spectrogram|griffin_lim|inv_mel_spectrogram)$",
     "speech_synthesis", 3.0),
    (r"^(anomaly_score|anomaly_scores|detect_anomal\w*|compute_anomaly_score)$", "anomaly_detection", 3.0),
    (r"^(dice_coef|dice_loss|dice_coefficient|jaccard|iou_metric)$", "image_segmentation", 3.0),
    (r"^(sample_images|save_images|generate_and_save_images|sample_image|plot_generated)$",
     "image_generation", 1.5),
)

# Identifiers in code whose mere presence hints at a task (exact names).
IDENT_RULES: tuple[tuple[frozenset[str], str, float], ...] = (
    (frozenset("look_back lookback window_size n_steps_in n_future forecast_horizon time_step time_steps "
               "timesteps".split()), "time_series_forecasting", 1.5),
    (frozenset("replay_buffer replay_memory ReplayBuffer ReplayMemory epsilon_decay eps_threshold".split()),
     "reinforcement_learning", 1.0),
    (frozenset("src_vocab trg_vocab tgt_vocab src_lang trg_lang tgt_lang input_lang output_lang source_vocab "
               "target_vocab eng_vocab fra_vocab num_encoder_tokens num_decoder_tokens".split()),
     "machine_translation", 2.0),
    (frozenset("encoder_inputs decoder_inputs encoder_input decoder_input encoder_outputs decoder_outputs "
               "encoder_states decoder_lstm "
               "encoder_lstm decoder_embedding encoder_embedding decoder_dense".split()), "machine_translation", 2.0),
    (frozenset("user_id user_ids item_id item_ids movie_id movie_ids n_users num_users n_items num_items "
               "n_movies num_movies user_embedding item_embedding movie_embedding".split()),
     "recommendation", 2.0),
    (frozenset("edge_index adj adjacency adj_matrix num_nodes".split()), "graph_learning", 1.5),
    (frozenset("bboxes boxes gt_boxes anchors num_anchors".split()), "object_detection", 1.0),
    (frozenset("mask masks mask_path masks_dir mask_dir train_masks".split()), "image_segmentation", 0.7),
    (frozenset("mel_outputs mel_targets stop_token stop_tokens mel_postnet n_mels_channels "
               "mel_spec_target".split()), "speech_synthesis", 1.5),
    (frozenset("anomaly_score anomaly_scores anomalies is_anomaly outliers recon_error "
               "reconstruction_error".split()), "anomaly_detection", 1.5),
    (frozenset("temperature diversity seed_text start_string generated_text next_char next_word".split()),
     "text_generation", 1.5),
    (frozenset("char_to_idx idx_to_char char2idx idx2char char_indices indices_char chars vocab_size".split()),
     "text_generation", 0.5),
)

# A pretrained backbone says what the data is: (regex on its name, task with a small head).
BACKBONE_RULES: tuple[tuple[str, str, float], ...] = (
    (r"bert|roberta|distilbert|albert|electra|xlnet|deberta|xlm|ernie|sentence|minilm|mpnet|"
     # TF-Hub text embeddings
     r"gnews-swivel|nnlm-|universal-sentence-encoder|wiki-words|elmo", "text_classification", 2.0),
    (r"pegasus|bart-large-cnn|bart-large-xsum|distilbart", "summarization", 2.0),
    (r"gpt|opt-|llama|mistral|gemma|phi-|bloom|falcon|qwen|t5|bart|pegasus", "language_modeling", 1.5),
    (r"wav2vec|hubert|whisper|wavlm", "speech_recognition", 2.0),
    (r"resnet|resnext|vgg|inception|xception|mobilenet|efficientnet|densenet|convnext|vit|deit|swin|"
     r"regnet|squeezenet|shufflenet|alexnet|googlenet|nasnet|beit|dino", "image_classification", 2.0),
)
_BACKBONES = tuple((re.compile(rx, re.I), task, w) for rx, task, w in BACKBONE_RULES)

# A checkpoint named for the task it was fine-tuned for (``microsoft/git-base-textvqa``,
# ``deepset/roberta-base-squad2``): that task, over what a generic language-model head would say.
FINE_TUNED_RULES: tuple[tuple[str, str], ...] = (
    (r"vqa|squad|(?<![a-z])qa(?![a-z])|question", "question_answering"),
    (r"caption", "image_captioning"),
    (r"summar|cnn[-_]?dailymail|xsum|samsum", "summarization"),
    (r"(?<![a-z])ner(?![a-z])|conll", "sequence_labeling"),
)
_FINE_TUNED = tuple((re.compile(rx, re.I), task) for rx, task in FINE_TUNED_RULES)


def fine_tuned_task(checkpoint: str) -> str | None:
    """The task a checkpoint's name says it was fine-tuned for, or None."""
    return next((task for rx, task in _FINE_TUNED if rx.search(checkpoint)), None)


def backbone_tasks(name: str) -> list[tuple[str, float]]:
    """Task votes of a pretrained backbone's name (``bert-base-uncased`` -> text)."""
    for rx, task, w in _BACKBONES:
        if rx.search(name):
            return [(task, w)]
    return []


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NONWORD = re.compile(r"[^a-z0-9]+")


def words(text: str) -> str:
    """A text as words for :data:`NAME_RULES`: ``DCGAN_mnist/netG`` -> ``dcgan mnist netg net g``.

    A camelCase word is kept both joined and split, so ``UNet`` reads as
    ``unet`` and ``u net``; other words appear once, so counts stay honest.
    """
    out: list[str] = []
    for raw in re.split(r"[^A-Za-z0-9]+", text):
        if not raw:
            continue
        low = raw.lower()
        out.append(low)
        split = _CAMEL.sub(" ", raw).lower()
        if split != low:
            out.append(split)
    return " " + " ".join(out) + " "


_NAME_REGEXES = tuple((re.compile(rx), task, w) for rx, task, w in NAME_RULES)
_DEF_REGEXES = tuple((re.compile(rx), task, w) for rx, task, w in DEF_RULES)


def score_words(text: str, weight: float, scores: dict[str, float], cap: float | None = None) -> None:
    """Add ``weight`` x rule weight to ``scores`` for every :data:`NAME_RULES` rule ``text`` matches.

    Args:
        text: names or prose (already passed through :func:`words` or not).
        weight: how much this source counts (a model name counts more than README words).
        scores: task -> score, updated in place.
        cap: the most one rule may add (README prose repeats words).
    """
    if not text:
        return
    t = text if text.startswith(" ") else words(text)
    for task, w, n in (_rule_hits(t) if len(t) <= 300 else _rule_hits.__wrapped__(t)):
        add = weight * w * (n if cap is not None else 1)
        if cap is not None:
            add = min(add, cap)
        scores[task] = scores.get(task, 0.0) + add


@lru_cache(maxsize=4096)
def _rule_hits(t: str) -> tuple[tuple[str, float, int], ...]:
    """(task, rule weight, matches) of each :data:`NAME_RULES` rule ``t`` matches, in rule order
    (model and class names recur across files: remembered)."""
    out: list[tuple[str, float, int]] = []
    for rx, task, w in _NAME_REGEXES:
        n = len(rx.findall(t))
        if n:
            out.append((task, w, n))
    return tuple(out)


def score_def(name: str, scores: dict[str, float]) -> None:
    """Scores from a function defined in the script (``def sample(...)``)."""
    for rx, task, w in _DEF_REGEXES:
        if rx.match(name):
            scores[task] = scores.get(task, 0.0) + w


def score_identifiers(identifiers: set[str], scores: dict[str, float]) -> None:
    """Scores from the identifiers of the code (``look_back`` -> time series), each rule once."""
    for names, task, w in IDENT_RULES:
        if not names.isdisjoint(identifiers):
            scores[task] = scores.get(task, 0.0) + w


def best_task(scores: dict[str, float]) -> str:
    """The task with the highest score (ties by :data:`TIE_ORDER`), or ``unknown``."""
    if not scores:
        return "unknown"
    top = max(scores.values())
    if top < MIN_SCORE:
        return "unknown"
    for task in TIE_ORDER:
        if scores.get(task, 0.0) == top:
            return task
    return "unknown"
