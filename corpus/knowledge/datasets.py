"""The dataset table: every spelling of a dataset -> one canonical name, and its usual task.

Framework knowledge is data: to teach the parser a dataset, add a row to
:data:`DATASETS` (canonical name, default task, spellings). Spellings are
matched after :func:`norm` (lower case, punctuation dropped), so ``CIFAR-10``,
``cifar_10`` and ``datasets.CIFAR10`` all meet at ``cifar10``.

How people write about a dataset is keyed by the same canonical names:
:data:`IN_WORDS` (names and hints in a question, the gloss embedded with each
summary) and :data:`FAMILIES` (datasets that stand in for each other: the
house-price sets, MNIST and its variants); ``index.understand`` reads
questions with them, so a dataset is listed once.

Besides the table: gym environment ids (:func:`gym_dataset`) and a scanner
for free text such as file paths and URLs (:func:`find_in_text`), which is
how a benchmark loaded from local files (``IMDB Dataset.csv``,
``housing.data``, a ``cats_vs_dogs`` folder) is still recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.knowledge.vocab import fold

# Names that are not benchmarks but still answer "what data": downloaded
# market data, generated data, local files of one's own.
YAHOO_FINANCE = "yahoo_finance"
SYNTHETIC = "synthetic"
CUSTOM = "custom"

# canonical -> (default task or None, spellings besides the canonical name).
# Spellings of 3 letters or fewer are only trusted in loader calls, never in
# free text (see _TEXT_MIN).
DATASETS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    # -- images: classification
    "mnist": ("image_classification", ("mnist784", "mnist_data", "train-images-idx3-ubyte", "mnist.npz",
                                       "read_data_sets", "mnistdata", "load_mnist",
                                       "digit-recognizer", "digit_recognizer")),
    "fashion_mnist": ("image_classification", ("fashionmnist", "fmnist", "fashion", "zalando")),
    "kmnist": ("image_classification", ("kuzushiji",)),
    "emnist": ("image_classification", ()),
    "qmnist": ("image_classification", ()),
    "notmnist": ("image_classification", ("notmnist_large", "notmnist_small")),
    "usps": ("image_classification", ()),
    "mnist_m": ("image_classification", ("mnistm",)),
    "quickdraw": ("image_classification", ("quick_draw", "quickdraw_png", "quickdraw_dataset", "full_numpy_bitmap",
                                         "full_simplified")),
    "utkface": ("image_classification", ("utk_face",)),
    "digits": ("image_classification", ("load_digits", "optdigits")),
    "cifar10": ("image_classification", ("cifar-10-batches-py", "cifar-10-python", "cifar_10", "cifar10_data",
                                         "cifar")),
    "cifar100": ("image_classification", ("cifar-100-python", "cifar_100")),
    "svhn": ("image_classification", ("svhn_cropped", "housenumbers", "train_32x32.mat", "test_32x32.mat",
                                   "extra_32x32.mat")),
    "stl10": ("image_classification", ("stl_10", "stl10_binary")),
    "imagenet": ("image_classification", ("ilsvrc", "ilsvrc2012", "imagenet2012", "imagenet1k", "imagenet_1k",
                                          "imagenetv2", "ilsvrc2012_img_train")),
    "tiny_imagenet": ("image_classification", ("tinyimagenet", "tiny-imagenet-200", "tinyimagenet200")),
    "imagenette": ("image_classification", ("imagewoof",)),
    "omniglot": ("image_classification", ()),
    "caltech101": ("image_classification", ("101_objectcategories", "caltech_101")),
    "caltech256": ("image_classification", ("256_objectcategories",)),
    "cats_vs_dogs": ("image_classification", ("catsvsdogs", "dogsvscats", "dogs-vs-cats", "cats_and_dogs",
                                              "cats_and_dogs_filtered", "catsanddogs", "petimages",
                                              "kagglecatsanddogs", "dogs_vs_cats", "dog_vs_cat", "cat_vs_dog",
                                              "cats_vs_dogs_small", "cat_dog_data", "dogcat", "catdog",
                                              "dogcat-data", "cat-and-dog", "cats-and-dogs")),
    # (annotations/trimaps is the Pet set's folder of segmentation masks)
    "oxford_pets": ("image_classification", ("oxford_iiit_pet", "oxfordiiitpet", "oxford-iiit-pet", "oxfordpets",
                                              "vgg/data/pets", "trimaps")),
    "oxford_flowers17": ("image_classification", ("17flowers", "flowers17", "oxford17", "oxford_flowers17")),
    "oxford_flowers102": ("image_classification", ("flowers102", "oxford_flowers", "102flowers", "oxfordflowers102",
                                                   "oxford102", "imagelabels.mat", "setid.mat")),
    # Kaggle's "Petals to the Metal" (tpu-getting-started): 104 flower classes in TFRecords
    "flowers104": ("image_classification", ("flowers_104", "tpu-getting-started", "petals-to-the-metal",
                                            "petals_to_the_metal", "flowers_104_tfr")),
    "flowers": ("image_classification", ("tf_flowers", "flower_photos", "flowers_photos", "flowers-recognition")),
    "hymenoptera": ("image_classification", ("hymenoptera_data",)),
    "lfw": ("image_classification", ("lfw_people", "fetch_lfw_people", "lfw-deepfunneled", "lfwpeople")),
    "olivetti_faces": ("image_classification", ("fetch_olivetti_faces", "olivetti")),
    "eurosat": ("image_classification", ()),
    # (nature_12k / nature_1k: Weights & Biases' iNaturalist 2017 subsets)
    "inaturalist": ("image_classification", ("inaturalist_12k", "inat2017", "inat2018", "inat2019", "inat2021",
                                             "nature_12k", "nature_1k", "nature_100")),
    # (10_food_classes_*, pizza_steak: the Food-101 subsets of the Zero to Mastery courses)
    "food101": ("image_classification", ("food-101", "food_101", "10_food_classes_10_percent", "10_food_classes_all_data",
                                         "10_food_classes_1_percent", "101_food_classes_10_percent",
                                         "pizza_steak", "pizza_steak_sushi")),
    "gtsrb": ("image_classification", ("germantrafficsign", "traffic_signs", "trafficsigns")),
    "fer2013": ("image_classification", ("fer_2013", "fer")),
    "chest_xray": ("image_classification", ("chestxray", "chest_xray_pneumonia", "pneumonia")),
    "malaria": ("image_classification", ("cell_images",)),
    "plant_seedlings": ("image_classification", ("plant-seedlings-classification",)),
    "histopathologic_cancer": ("image_classification", ("histopathologic-cancer-detection",)),
    "aptos2019": ("image_classification", ("aptos2019-blindness-detection",)),
    "plant_village": ("image_classification", ("plantvillage", "plant_disease", "plantdisease")),
    "horses_or_humans": ("image_classification", ("horse-or-human", "horse_or_human", "horses_or_humans")),
    "rock_paper_scissors": ("image_classification", ("rps", "rockpaperscissors", "rps-test-set", "rps_test_set")),
    "stanford_dogs": ("image_classification", ("stanforddogs", "dog-breed-identification", "dog_breed_identification",
                                               "kaggle_dog_tiny", "kaggle_dog")),
    "stanford_cars": ("image_classification", ("cars196", "stanfordcars", "cars_train", "cars_annos",
                                               "stanford_cars_dataset")),
    "cub200": ("image_classification", ("cub_200_2011", "caltech_birds2011", "cub2002011")),
    "places365": ("image_classification", ("places", "places2", "places365_standard")),
    "sign_language_mnist": ("image_classification", ("signlanguagemnist", "sign_mnist")),
    # the Kaggle "skin cancer MNIST" is HAM10000 dermatoscopy, not digits
    "ham10000": ("image_classification", ("skin-cancer-mnist-ham10000", "skin_cancer_mnist", "skincancermnist",
                                          "ham10000_metadata", "hmnist")),
    # (not "smiles": that is the chemists' molecule notation)
    "smilesmiled": ("image_classification", ("smile_dataset",)),
    "mednist": ("image_classification", ("mednist.tar.gz",)),
    # the face images, not the VGGFace networks' weights ("vggface" is kept out of free text)
    "vgg_face": ("image_classification", ("vgg_face_dataset",)),
    # (not "hot dog" alone: that is one of COCO's class names)
    "hotdog": ("image_classification", ("hotdog.zip", "hot-dog-not-hot-dog", "hot_dog_not_hot_dog")),
    # Zalando's FEIDEGGER: dresses with German descriptions (retrieval and text-to-image alike)
    "feidegger": (None, ("feidegger_release",)),
    # Kaggle's 10 Monkey Species
    "monkey_species": ("image_classification", ("10-monkey-species", "monkey_labels", "monkey_labels.txt")),
    # Alexey Grigorev's clothing photos (ML Zoomcamp)
    "clothing_dataset": ("image_classification", ("clothing-dataset-small", "clothing-dataset")),
    # -- images: detection, segmentation, generation
    "coco": ("object_detection", ("mscoco", "coco2014", "coco2017", "coco_2017", "train2017", "val2017",
                                  "instances_train2017", "cocodataset", "cocodetection")),
    "voc": ("object_detection", ("pascal_voc", "pascalvoc", "voc2007", "voc2012", "vocdevkit", "vocdetection",
                                 "vocsegmentation", "voc_2012", "voc_2007")),
    "kitti": ("object_detection", ()),
    "penn_fudan": ("object_detection", ("pennfudanped", "pennfudan")),
    "wider_face": ("object_detection", ("widerface",)),
    "fddb": ("object_detection", ("fddb-folds", "originalpics")),
    "open_images": ("object_detection", ("openimages",)),
    "cityscapes": ("image_segmentation", ()),
    "ade20k": ("image_segmentation", ("adechallengedata2016", "ade_20k", "scene_parse_150")),
    "carvana": ("image_segmentation", ("carvana-image-masking-challenge",)),
    "isbi": ("image_segmentation", ("isbi2012", "isbi_2012", "isbi-2012")),
    "dsb2018": ("image_segmentation", ("data-science-bowl-2018", "data_science_bowl_2018", "stage1_train",
                                       "dsb_2018", "nuclei_segmentation")),
    "camvid": ("image_segmentation", ()),
    # the Crowd Instance-level Human Parsing set (Keras' DeepLabV3+ example)
    "cihp": ("image_segmentation", ("instance-level_human_parsing", "instance_level_human_parsing",
                                    "instance-level-human-parsing")),
    "kvasir": ("image_segmentation", ("kvasir-seg",)),
    "acdc": ("image_segmentation", ("acdc_challenge",)),
    "brats": ("image_segmentation", ("brats2018", "brats2019", "brats2020", "task01_braintumour", "braintumour")),
    # the Medical Segmentation Decathlon's spleen task (MONAI's tutorials download it)
    "msd_spleen": ("image_segmentation", ("task09_spleen", "task09_spleen.tar")),
    "bsds300": ("image_generation", ("bsds500", "bsds")),
    "celeba": ("image_generation", ("celeb_a", "img_align_celeba", "celeba_hq", "celebahq")),
    "lsun": ("image_generation", ()),
    "ffhq": ("image_generation", ()),
    "anime_faces": ("image_generation", ("animefaces", "anime-faces", "animefacedataset")),
    # image-to-image translation sets of pix2pix / CycleGAN
    "horse2zebra": ("image_generation", ()),
    "monet2photo": ("image_generation", ()),
    "summer2winter_yosemite": ("image_generation", ("summer2winter",)),
    "apple2orange": ("image_generation", ()),
    "vangogh2photo": ("image_generation", ()),
    "facades": ("image_generation", ("cmp_facades",)),
    "edges2shoes": ("image_generation", ()),
    "edges2handbags": ("image_generation", ()),
    "night2day": ("image_generation", ()),
    # LOw-Light paired photos (Zero-DCE, MIRNet): our485 / eval15 are its folders
    "lol": ("image_generation", ("lol_dataset", "our485", "lowlight_dataset")),
    "flickr8k": ("image_captioning", ("flickr_8k", "flickr8k.token", "flickr8k_text", "flickr8k_dataset")),
    "flickr30k": ("image_captioning", ("flickr_30k", "flickr30k_images")),
    "coco_captions": ("image_captioning", ("captions_train2014", "captions_val2014", "captions_train2017",
                                           "captions_val2017", "cococaptions", "coco_caption")),
    "mvtec_ad": ("anomaly_detection", ("mvtec", "mvtecad", "mvtec_anomaly_detection")),
    # surveillance video anomaly benchmarks
    "ucsd_ped2": ("anomaly_detection", ("ucsd_p2", "ucsdped2", "ped2", "ucsd_ped_2")),
    "cuhk_avenue": ("anomaly_detection", ("avenue_dataset", "cuhk_avenue")),
    "ucf101": (None, ("ucf-101", "ucf_101")),
    "hmdb51": (None, ()),
    "kinetics": (None, ("kinetics400", "kinetics600")),
    # -- text
    "imdb": ("text_classification", ("imdb_reviews", "aclimdb", "aclimdb_v1", "imdb_dataset", "imdbdataset",
                                     "labeledtraindata", "imdb_master", "imdbreviews")),
    "reuters": ("text_classification", ("reuters21578", "reuters_21578")),
    "ag_news": ("text_classification", ("agnews", "ag_news_subset", "ag_news_csv")),
    "sst2": ("text_classification", ("sst", "sst-2", "sst_2", "stanfordsentimenttreebank", "sst5")),
    "yelp": ("text_classification", ("yelp_polarity", "yelp_review_full", "yelp_polarity_reviews",
                                     "yelpreviewpolarity", "yelp_review_polarity", "yelpreviewfull")),
    "20newsgroups": ("text_classification", ("20_newsgroups", "newsgroups", "20news", "20news-bydate",
                                             "fetch_20newsgroups", "20newsgroup", "20_newsgroup")),
    "dbpedia": ("text_classification", ("dbpedia_14", "dbpedia14")),
    "amazon_reviews": ("text_classification", ("amazon_polarity", "amazonpolarity", "amazon_us_reviews",
                                               "amazonreviews", "amazon_reviews_multi")),
    "trec": ("text_classification", ("trec6",)),
    "sms_spam": ("text_classification", ("smsspamcollection", "sms_spam_collection", "spam.csv", "smsspam")),
    # Twitter US Airline Sentiment (Kaggle's Tweets.csv: known by its columns)
    "twitter_airline_sentiment": ("text_classification", ("twitter-airline-sentiment", "twitter_airline_sentiment")),
    "sentiment140": ("text_classification", ("training.1600000.processed.noemoticon",)),
    "rotten_tomatoes": ("text_classification", ("rottentomatoes", "rt-polarity", "movie_review_polarity",
                                                 "rt-polaritydata", "rt-polarity.pos", "rt-polarity.neg")),
    "funsd": ("sequence_labeling", ()),
    "jigsaw_toxic": ("text_classification", ("jigsaw", "toxic_comment", "toxiccomment",
                                             "jigsaw-toxic-comment-classification-challenge")),
    "emotion": ("text_classification", ("dair-ai/emotion",)),
    "tweet_eval": ("text_classification", ("tweeteval",)),
    # News Headlines Dataset For Sarcasm Detection (the TensorFlow NLP course's sarcasm.json)
    "sarcasm": ("text_classification", ("sarcasm.json", "sarcasm_headlines_dataset", "sarcasm_headlines_dataset.json",
                                        "sarcasm_headlines_dataset_v2")),
    # HuffPost headlines by category (Kaggle's News Category Dataset)
    "news_category": ("text_classification", ("news_category_dataset", "news_category_dataset_v2",
                                              "news_category_dataset_v3", "news-category-dataset")),
    # UCI News Aggregator (newsCorpora.csv)
    "news_aggregator": ("text_classification", ("newscorpora", "newscorpora.csv", "uci-news-aggregator",
                                                "uci_news_aggregator")),
    # UCI YouTube Spam Collection: one CSV per video
    "youtube_spam": ("text_classification", ("youtube01-psy", "youtube02-katyperry", "youtube03-lmfao",
                                             "youtube04-eminem", "youtube05-shakira", "youtube-spam-collection")),
    # UMich SI650 sentiment sentences
    "umich_si650": ("text_classification", ("umich-sentiment-train", "umich_sentiment_train", "si650")),
    # Naver sentiment movie corpus (Korean movie reviews)
    "nsmc": ("text_classification", ("naver_sentiment_movie_corpus", "nsmc-master")),
    # three English translations of the Iliad (TensorFlow's load-text tutorial: who translated a line?)
    "iliad": (None, ("cowper.txt", "derby.txt", "butler.txt", "illiad")),
    # ATIS flight queries: intents and slots
    "atis": (None, ("atis.train.w-intent.iob", "atis.test.w-intent.iob", "atis_intents", "ms-cntk-atis")),
    "bbc_news": ("text_classification", ("bbc-text", "bbc-text.csv", "bbc_text", "bbcnews", "bbc-fulltext")),
    "glue": ("text_classification", ()),
    "cola": ("text_classification", ()),
    "mrpc": ("text_classification", ()),
    "qqp": ("text_classification", ("quora-question-pairs", "quora_duplicate_questions", "quora_question_pairs")),
    "disaster_tweets": ("text_classification", ("nlp-getting-started", "nlp_getting_started")),
    "snli": ("text_classification", ()),
    "lcqmc": ("text_classification", ()),
    # CLUE's classification sets (app descriptions, news titles)
    "iflytek": ("text_classification", ()),
    "tnews": ("text_classification", ("tnews_public",)),
    "mnli": ("text_classification", ("multi_nli", "multinli")),
    "conll2003": ("sequence_labeling", ("conll03", "conll_2003", "conll2003_ner", "eng.train")),
    "conll2000": ("sequence_labeling", ("conll2000chunking",)),
    "udpos": ("sequence_labeling", ("universal_dependencies", "en_ewt")),
    "wnut17": ("sequence_labeling", ("wnut_17",)),
    "cluener2020": ("sequence_labeling", ("cluener", "cluener_public")),
    "msra_ner": ("sequence_labeling", ("msra-ner", "msra_ner_data")),
    # the China People's Daily NER corpus (kashgari's china-people-daily-ner-corpus)
    "people_daily_ner": ("sequence_labeling", ("china-people-daily-ner-corpus", "people_daily", "peoples_daily",
                                               "renmin_ribao")),
    "ontonotes": ("sequence_labeling", ("ontonotes5",)),
    "gmb_ner": ("sequence_labeling", ("ner_dataset", "ner_dataset.csv", "entity-annotated-corpus")),
    "chartqa": ("question_answering", ("chart_qa",)),
    "gsm8k": ("text_generation", ("gsm-8k", "grade_school_math")),
    "squad": ("question_answering", ("squad_v2", "squadv2", "squad2", "train-v1.1", "train-v2.0", "dev-v1.1",
                                     "squad_v1")),
    "babi": ("question_answering", ("babi_tasks", "tasks_1-20_v1-2", "babi-tasks-v1-2", "qa1_single-supporting-fact",
                                   "qa2_two-supporting-facts", "qa3_three-supporting-facts", "qa5_three-arg-relations",
                                   "qa6_yes-no-questions")),
    # VQA v2 (questions and answers on COCO images); its files start v2_OpenEnded_mscoco / v2_mscoco
    "vqa_v2": ("question_answering", ("vqav2", "vqa2", "v2_OpenEnded_mscoco", "v2_mscoco")),
    "nlvr2": (None, ("nlvr",)),
    # Google's Natural Questions (Kaggle's TensorFlow 2.0 QA competition ships simplified-nq-*.jsonl)
    "natural_questions": ("question_answering", ("simplified-nq-train", "simplified-nq-test",
                                                 "tensorflow2-question-answering", "nq-open")),
    "triviaqa": ("question_answering", ("trivia_qa",)),
    "coqa": ("question_answering", ()),
    "cnn_dailymail": ("summarization", ("cnn_dm", "cnndm", "cnn-dailymail", "cnn_stories", "dailymail",
                                        "cnn_daily_mail")),
    "xsum": ("summarization", ("extreme_summarization",)),
    "samsum": ("summarization", ("samsum_corpus",)),
    "gigaword": ("summarization", ("english_gigaword",)),
    "billsum": ("summarization", ()),
    # arXiv / PubMed long-document summarization (Cohan et al.); the graph benchmark PubMed is another one
    "scientific_papers": ("summarization", ("pubmed-summarization", "arxiv-summarization", "pubmed_summarization",
                                            "arxiv_summarization", "pubmed-dataset")),
    "multi_news": ("summarization", ("multinews",)),
    "news_summary": ("summarization", ("news_summary.csv", "news_summary_more")),
    "multi30k": ("machine_translation", ("multi_30k",)),
    "wmt14": ("machine_translation", ("wmt_14", "wmt2014")),
    "wmt16": ("machine_translation", ("wmt_16", "wmt2016")),
    "iwslt": ("machine_translation", ("iwslt2016", "iwslt2017", "iwslt14", "iwslt2014", "iwslt15")),
    "fra_eng": ("machine_translation", ("fra-eng", "fra.txt", "eng-fra", "fra_eng")),
    "spa_eng": ("machine_translation", ("spa-eng", "spa.txt", "eng-spa")),
    "deu_eng": ("machine_translation", ("deu-eng", "deu.txt", "eng-deu")),
    "opus_books": ("machine_translation", ("opus100",)),
    "europarl": ("machine_translation", ()),
    "lm1b": ("language_modeling", ("one billion word", "1-billion-word", "1_billion_word", "billion_word",
                                   "training-monolingual.tokenized.shuffled")),
    "ptb": ("language_modeling", ("penntreebank", "penn_treebank", "ptb.train.txt", "ptb_text_only",
                                  "ptb.train", "data/penn")),
    "wikitext2": ("language_modeling", ("wikitext-2", "wikitext-2-raw-v1", "wikitext-2-v1", "wikitext_2",
                                        "wikitext2raw")),
    "wikitext103": ("language_modeling", ("wikitext-103", "wikitext-103-raw-v1", "wikitext-103-v1",
                                          "wikitext_103")),
    "enwik8": ("language_modeling", ()),
    "tinystories": ("language_modeling", ("tiny_stories",)),
    "openwebtext": ("language_modeling", ()),
    "bookcorpus": ("language_modeling", ()),
    "simplebooks": ("language_modeling", ("simplebooks-92", "simplebooks-2", "simplebooks-92-raw", "simplebooks-2-raw")),
    "dolly_15k": ("text_generation", ("databricks-dolly-15k", "databricks_dolly_15k", "dolly-15k")),
    "natural_instructions": ("text_generation", ("natural-instructions", "super_natural_instructions",
                                                 "super-natural-instructions", "natural_instructions_v2")),
    "alpaca": ("text_generation", ("alpaca_data", "alpaca-cleaned", "alpaca_cleaned", "alpaca_gpt4", "alpaca-gpt4")),
    "cornell_movie_dialogs": ("text_generation", ("cornell_movie_dialogs_corpus", "cornell-movie-dialogs",
                                                  "cornell movie-dialogs", "movie_lines.txt")),
    "shakespeare": ("text_generation", ("tinyshakespeare", "tiny_shakespeare", "shakespeare.txt",
                                        "shakespeare_input", "shakespeare_plays")),
    "nietzsche": ("text_generation", ("nietzsche.txt",)),
    "alice": ("text_generation", ("wonderland", "alice_in_wonderland", "aliceinwonderland", "pg11.txt")),
    "anna_karenina": ("text_generation", ("anna.txt", "annakarenina")),
    "war_and_peace": ("text_generation", ("warpeace_input", "warpeace", "warandpeace")),
    # the Irish song lyrics of the DeepLearning.AI TensorFlow course
    "irish_lyrics": ("text_generation", ("irish-lyrics-eof", "irish-lyrics-eof.txt")),
    # Kaggle's Wine Reviews (winemag): generation and regression alike
    "wine_reviews": (None, ("winemag-data-130k-v2", "winemag-data_first150k", "winemag", "wine-reviews")),
    "text8": ("representation_learning", ()),
    # -- audio
    "speech_commands": ("audio_classification", ("speechcommands", "mini_speech_commands",
                                                 "speech_commands_v0.02", "google_speech_commands")),
    # DCASE 2020 task 2: anomalous machine sounds (ToyADMOS and MIMII machines)
    "dcase2020_task2": ("anomaly_detection", ("dcase2020task2", "toyconveyor", "toyadmos", "mimii")),
    "voxceleb": ("audio_classification", ("voxceleb1", "voxceleb2", "vox1_meta", "veri_test.txt", "veri_test2.txt")),
    # Bach chorales (no task of the list: generation of music)
    "jsb_chorales": (None, ("jsb16thseparated", "jsb-chorales-16th", "jsbchorales", "jsb-chorales")),
    "desed": ("audio_classification", ("desed_task", "dcase2021_task4")),
    "librispeech": ("speech_recognition", ("librispeech_asr",)),
    "timit": ("speech_recognition", ()),
    # the corpora of k2's icefall, WeNet and ESPnet recipes (``AishellAsrDataModule``, ``GigaSpeechAsrDataModule``)
    "aishell": ("speech_recognition", ("aishell1", "aishell_1", "aishell-1")),
    "gigaspeech": ("speech_recognition", ("giga_speech",)),
    "wenetspeech": ("speech_recognition", ("wenet_speech",)),
    "tedlium": ("speech_recognition", ("tedlium3", "ted-lium", "tedlium_3", "ted_lium")),
    "ljspeech": ("speech_synthesis", ("lj_speech", "ljspeech-1.1")),
    "libritts": ("speech_synthesis", ("libri_tts",)),
    "vctk": ("speech_synthesis", ("vctk-corpus", "vctk_corpus")),
    "common_voice": ("speech_recognition", ("commonvoice", "mozilla-foundation/common_voice")),
    "esc50": ("audio_classification", ("esc-50", "esc_50")),
    "audioset": ("audio_classification", ("audio_set", "balanced_train_segments", "unbalanced_train_segments")),
    "urbansound8k": ("audio_classification", ("urbansound", "urban_sound_8k", "urbansound8k")),
    "gtzan": ("audio_classification", ("genres_original", "gtzan_genre")),
    "free_spoken_digit": ("audio_classification", ("fsdd", "free-spoken-digit-dataset", "spoken_digit")),
    "ravdess": ("audio_classification", ()),
    # the Berlin Database of Emotional Speech
    "emodb": ("audio_classification", ("emo_db", "emo-db", "berlin_emodb", "berlin_database")),
    "yesno": ("audio_classification", ()),
    # -- tabular
    "boston_housing": ("tabular_regression", ("boston", "housing.data", "load_boston", "bostonhousing",
                                              "boston_housing_data")),
    "california_housing": ("tabular_regression", ("cal_housing", "fetch_california_housing", "californiahousing",
                                                  "housing.csv", "california_housing_train")),
    "bike_sharing": ("tabular_regression", ("bike-sharing-demand", "bike_sharing_demand", "bike-sharing-dataset")),
    "house_prices": ("tabular_regression", ("house-prices-advanced-regression-techniques", "houseprices",
                                            "kc_house_data", "kaggle_house_pred", "kaggle_house")),
    "auto_mpg": ("tabular_regression", ("auto-mpg", "auto-mpg.data", "autompg")),
    "diabetes": ("tabular_regression", ("load_diabetes",)),
    "abalone": ("tabular_regression", ()),
    "insurance": ("tabular_regression", ("insurance.csv",)),
    # UCI Concrete Compressive Strength (also the IBM DL0101EN course's concrete_data.csv)
    "concrete": ("tabular_regression", ("concrete_data", "concrete_data.csv", "concrete_compressive_strength",
                                        "concrete_data.xls", "concretedata")),
    "iris": ("tabular_classification", ("load_iris", "iris.data", "iris.csv", "iris_training", "iris_test.csv")),
    "otto": ("tabular_classification", ("otto-group-product-classification-challenge", "otto_group")),
    "wine": ("tabular_classification", ("load_wine", "wine.data")),
    "wine_quality": ("tabular_classification", ("winequality", "winequality-red", "winequality-white",
                                                "wine_quality")),
    "titanic": ("tabular_classification", ("titanic.csv",)),
    "breast_cancer": ("tabular_classification", ("load_breast_cancer", "breast-cancer-wisconsin", "wdbc",
                                                 "breastcancer")),
    "pima_diabetes": ("tabular_classification", ("pima-indians-diabetes", "pima_indians_diabetes", "pima",
                                                 "pimaindian", "pimaindians", "dataset_pimaindian",
                                                 "diabetes.csv", "pimaindiansdiabetes")),
    "adult": ("tabular_classification", ("adult.data", "census_income", "adult_income", "adult.csv")),
    # UCI Census-Income (KDD), the other census set: census-income.data, not adult.data
    "census_income_kdd": ("tabular_classification", ("census-income.data", "census-income.test", "census-income-mld",
                                                     "censusincomekdd")),
    # Kaggle's Mechanisms of Action (MoA) competition: drug features -> scored targets
    "moa": ("tabular_classification", ("lish-moa", "lish_moa", "train_targets_scored", "train_targets_nonscored",
                                       "mechanisms_of_action")),
    # UNSW-NB15 network intrusions: classifiers and anomaly detectors alike
    "unsw_nb15": (None, ("unsw-nb15", "unswnb15", "nb15", "unsw_nb15_training-set", "unsw_nb15_testing-set")),
    # the NYC taxi fare sets (Kaggle's competition, Google Cloud's BigQuery extracts taxi-train.csv)
    "nyc_taxi_fare": ("tabular_regression", ("new-york-city-taxi-fare-prediction", "nyc-taxi-fare", "taxifare",
                                             "taxi-fare", "taxi-train.csv", "taxi-valid.csv", "taxi-test.csv",
                                             "taxi_preproc")),
    # the CDC natality sample of Google Cloud's courses (predict a baby's weight)
    "natality": ("tabular_regression", ("babyweight", "babyweight_train", "babyweight_eval", "babyweight_sample")),
    "amazon_employee_access": ("tabular_classification", ("amazon-employee-access-challenge",)),
    "airfoil_self_noise": ("tabular_regression", ("airfoil_self_noise.dat", "airfoil-self-noise")),
    # UCI Combined Cycle Power Plant
    "ccpp": ("tabular_regression", ("folds5x2_pp", "combined_cycle_power_plant")),
    "heart": ("tabular_classification", ("heart.csv", "heart_disease", "heartdisease", "cleveland")),
    "credit_card_fraud": ("tabular_classification", ("creditcard.csv", "creditcardfraud", "credit_card_fraud",
                                                     "creditcard")),
    "churn": ("tabular_classification", ("churn_modelling", "churn_modelling.csv", "telco-customer-churn",
                                         "telco_churn", "customer_churn",
                                         "bankcustomers", "bank_customers")),
    "bank_marketing": ("tabular_classification", ("bank-full", "bank-additional-full", "bank_marketing")),
    "mushroom": ("tabular_classification", ("mushrooms", "agaricus-lepiota", "mushrooms.csv")),
    "sonar": ("tabular_classification", ("sonar.csv", "sonar.all-data")),
    "banknote": ("tabular_classification", ("data_banknote_authentication", "banknote_authentication")),
    "ionosphere": ("tabular_classification", ()),
    "glass": ("tabular_classification", ("glass.csv", "glass.data", "glass_identification")),
    "social_network_ads": ("tabular_classification", ("social_network_ads.csv", "socialnetworkads")),
    "covtype": ("tabular_classification", ("fetch_covtype", "covertype")),
    "higgs": ("tabular_classification", ()),
    "kddcup99": ("tabular_classification", ("kdd99", "kddcup")),
    "nsl_kdd": ("anomaly_detection", ("nslkdd", "nsl-kdd", "kddtrain+", "kddtest+")),
    "nab": ("anomaly_detection", ("numenta", "art_daily_small_noise", "art_daily_jumpsup", "realknowncause", "nyc_taxi.csv",
                                  "nab_data")),
    "smd": ("anomaly_detection", ("servermachinedataset", "server_machine_dataset")),
    "smap_msl": ("anomaly_detection", ("smap", "msl", "smap_msl")),
    # -- time series
    "airline_passengers": ("time_series_forecasting", ("international-airline-passengers",
                                                       "airline-passengers", "airpassengers", "airline_passengers",
                                                       "international_airline_passengers", "air_passenger")),
    "monthly_car_sales": ("time_series_forecasting", ("monthly-car-sales", "monthly_car_sales.csv")),
    "jena_climate": ("time_series_forecasting", ("jena_climate_2009_2016", "jenaclimate")),
    "sunspots": ("time_series_forecasting", ("monthly-sunspots", "sunspots.csv", "sn_d_tot_v2.0", "sn_m_tot_v2.0")),
    "daily_min_temperatures": ("time_series_forecasting", ("daily-min-temperatures", "daily_minimum_temperatures",
                                                           "daily-minimum-temperatures-in-me")),
    "household_power": ("time_series_forecasting", ("household_power_consumption",)),
    "beijing_pm25": ("time_series_forecasting", ("pollution.csv", "prsa_data", "beijing_pm2.5")),
    "daily_female_births": ("time_series_forecasting", ("daily-total-female-births", "daily_total_female_births",
                                                        "daily-total-female-births.csv")),
    "shampoo_sales": ("time_series_forecasting", ("shampoo-sales", "shampoo")),
    "ett": ("time_series_forecasting", ("etth1", "etth2", "ettm1", "ettm2")),
    YAHOO_FINANCE: ("time_series_forecasting", ("yfinance", "yahoofinance")),
    # ECG5000 serves both classification and anomaly tutorials: no task vote.
    "ecg5000": (None, ("ecg.csv", "ecg5000_train", "ecg_5000")),
    "mitbih": (None, ("mit-bih", "mit_bih", "mitdb", "mit-bih-arrhythmia")),
    # (PM_train.txt: the turbofan data of Azure's predictive-maintenance template)
    "cmapss": ("time_series_forecasting", ("c-mapss", "cmapssdata", "turbofan", "train_fd001", "pm_train.txt",
                                           "pm_test.txt", "pm_truth.txt")),
    "uci_har": (None, ("uci har dataset", "uci_har_dataset", "human activity recognition", "hardataset")),
    # ShapeNet part segmentation (PartAnnotation): point clouds, labelled per point
    "shapenet_part": ("image_segmentation", ("partannotation", "shapenetcore_partanno_segmentation_benchmark",
                                             "shapenetpart", "shapenet_part_seg")),
    "modelnet": ("image_classification", ("modelnet40", "modelnet10", "modelnet40_normal_resampled",
                                          "modelnet40_ply_hdf5_2048")),
    "pems": ("time_series_forecasting", ("pems04", "pems08", "pems03", "pems07", "pems-bay", "pems_bay", "pemsbay",
                                         "pemsd4", "pemsd7", "pemsd8")),
    # Kaggle's Bitcoin Historical Data (one-minute bars of Bitstamp, Coinbase, Kraken)
    "bitcoin_historical": ("time_series_forecasting", ("bitcoin-historical-data", "bitstampusd", "coinbaseusd",
                                                       "krakenusd")),
    # UCR's FordA engine-noise series (time-series classification: no task of the list)
    "forda": (None, ("forda_train", "forda_test")),
    # -- recommendation, graphs
    "criteo": ("recommendation", ("criteo_small", "dac_sample", "criteo_attalab", "kaggle_display_advertising")),
    "book_crossing": ("recommendation", ("book-crossing", "bookcrossing", "bx-book-ratings", "bx_book_ratings")),
    "movielens": ("recommendation", ("ml-100k", "ml-1m", "ml-20m", "ml-25m", "ml-latest-small", "ml_100k",
                                     "ml_1m", "movie_lens", "movielens100k", "movielens1m", "u.data",
                                     "ratings.dat")),
    "goodbooks": ("recommendation", ("goodbooks-10k",)),
    "netflix_prize": ("recommendation", ("netflix",)),
    "cora": ("graph_learning", ()),
    "citeseer": ("graph_learning", ()),
    "pubmed": ("graph_learning", ()),
    "ppi": ("graph_learning", ()),
    # the YelpChi review-fraud graph is not the Yelp review-polarity text set ("YelpChi.mat" reads Yelp Chi)
    "yelpchi": ("graph_learning", ("yelp_chi", "yelpchi_mat")),
    "karate_club": ("graph_learning", ("karateclub", "karate")),
    "ogbn_arxiv": ("graph_learning", ("ogbn-arxiv",)),
    "ogbn_products": ("graph_learning", ("ogbn-products",)),
    "ogbn_mag": ("graph_learning", ("ogbn-mag",)),
    "ogbn_proteins": ("graph_learning", ("ogbn-proteins",)),
    "ogbg_molhiv": ("graph_learning", ("ogbg-molhiv",)),
    "moleculenet_hiv": ("graph_learning", ("hiv.csv",)),
    "upfd": ("graph_learning", ()),
    "acm": ("graph_learning", ("acm3025", "acm_hgb", "acm4025")),
    "dblp": ("graph_learning", ("dblp_hgb", "dblp4057")),
    # knowledge graphs (link prediction)
    "wn18": ("graph_learning", ("wn18rr",)),
    "fb15k": ("graph_learning", ("fb15k-237", "fb15k_237", "fb15k237")),
    "mutag": ("graph_learning", ()),
    "proteins": ("graph_learning", ()),
    "enzymes": ("graph_learning", ()),
    "qm9": ("graph_learning", ()),
    "zinc": ("graph_learning", ("250k_rndm_zinc_drugs_clean", "zinc250k", "zinc_250k")),
    # -- reinforcement learning environments (gym ids are mapped by gym_dataset)
    "cartpole": ("reinforcement_learning", ()),
    "atari": ("reinforcement_learning", ("space_invaders", "spaceinvaders", "ms_pacman", "mspacman", "pong",
                                         "breakout", "seaquest", "qbert", "enduro", "beam_rider", "beamrider",
                                         "montezuma_revenge", "montezumarevenge", "riverraid", "kung_fu_master",
                                         "demon_attack", "chopper_command", "private_eye", "ice_hockey",
                                         "wizard_of_wor", "video_pinball", "battle_zone", "time_pilot",
                                         "star_gunner", "name_this_game", "crazy_climber", "up_n_down",
                                         "fishing_derby", "double_dunk", "james_bond", "bank_heist", "asterix",
                                         "atlantis", "centipede", "amidar", "frostbite", "gopher", "tutankham",
                                         "ale_py", "atari_py")),
    "mountain_car": ("reinforcement_learning", ("mountaincar", "mountaincarcontinuous")),
    "pendulum": ("reinforcement_learning", ()),
    "acrobot": ("reinforcement_learning", ()),
    "lunar_lander": ("reinforcement_learning", ("lunarlander", "lunarlandercontinuous")),
    "bipedal_walker": ("reinforcement_learning", ("bipedalwalker", "bipedalwalkerhardcore")),
    "car_racing": ("reinforcement_learning", ("carracing",)),
    "frozen_lake": ("reinforcement_learning", ("frozenlake", "frozenlake8x8")),
    "taxi": ("reinforcement_learning", ()),
    "cliff_walking": ("reinforcement_learning", ("cliffwalking",)),
    "blackjack": ("reinforcement_learning", ()),
    # D4RL's offline datasets of MuJoCo, AntMaze and Adroit runs (d4rl.qlearning_dataset(env))
    "d4rl": ("reinforcement_learning", ("qlearning_dataset",)),
    "mujoco": ("reinforcement_learning", ("halfcheetah", "hopper", "walker2d", "humanoid", "invertedpendulum",
                                          "reacher", "swimmer", "inverteddoublependulum", "ant", "pusher",
                                          "humanoidstandup")),
    # -- not benchmarks
    SYNTHETIC: (None, ("fakedata",)),
    CUSTOM: (None, ()),
}

# Gym ids that are Atari games (ALE): the game names, normalised.
ATARI_GAMES = frozenset("""
pong breakout spaceinvaders mspacman seaquest qbert enduro beamrider asteroids boxing freeway
montezumarevenge pitfall alien amidar assault asterix atlantis bankheist battlezone bowling
centipede choppercommand crazyclimber demonattack doubledunk fishingderby frostbite gopher
gravitar icehockey jamesbond kangaroo krull kungfumaster namethisgame privateeye riverraid
roadrunner robotank skiing solaris stargunner tennis timepilot tutankham upndown venture
videopinball wizardofwor zaxxon
""".split())


# ``CIFAR-10`` -> ``cifar10``: lower case, letters and digits only.
norm = fold


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, (_task, spellings) in DATASETS.items():
        for s in (canonical, *spellings):
            table.setdefault(norm(s), canonical)
    return table


def canonical_dataset(name: str | None) -> str | None:
    """Canonical name of a dataset spelling (``FashionMNIST`` -> ``fashion_mnist``), or None.

    Args:
        name: a dataset spelling: a class (``CIFAR10``), a tfds / Hugging Face
            name (``imdb_reviews``, ``glue/sst2``) or a file name.

    Returns:
        The canonical name, or None if the spelling is not in the table.
    """
    if not name:
        return None
    if ":" in name and "://" not in name:
        name = name.split(":", 1)[0]  # tfds versions: "oxford_iiit_pet:3.*.*"
    table = _alias_table()
    key = norm(name)
    if key in table:
        return table[key]
    # "glue/sst2", "stanfordnlp/imdb": the last path segment names it.
    if "/" in name:
        key = norm(name.rstrip("/").rsplit("/", 1)[-1])
        if key in table:
            return table[key]
        # tfds "movielens/100k-ratings", "imdb_reviews/subwords8k": the dataset, then its configuration
        head = norm(name.split("/", 1)[0])
        if name.count("/") == 1 and "." not in name and head in table:
            return table[head]  # (a file under a folder, "mnist/generator.pt", is no dataset id)
    # load_iris, fetch_lfw_people, get_mnist_data
    key = re.sub(r"^(load|fetch|get|read|make|download)", "", key)
    key = re.sub(r"(data|dataset|datasets|loader|loaders|data sets)$", "", key)
    return table.get(key)


# Benchmarks recognisable by their column names where the file name is generic
# (``data/house.csv`` with a ``medv`` target is Boston housing): canonical ->
# (distinctive columns, one of which suffices; ordinary columns, three of which do).
COLUMN_SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "boston_housing": (frozenset({"medv", "lstat", "ptratio"}),
                       frozenset({"crim", "zn", "indus", "chas", "nox", "rm", "dis", "rad", "tax", "b"})),
    "churn": (frozenset(), frozenset({"exited", "geography", "creditscore", "estimatedsalary", "numofproducts",
                                      "hascrcard", "isactivemember"})),
    "iris": (frozenset(), frozenset({"sepallength", "sepalwidth", "petallength", "petalwidth",
                                     "sepallengthcm", "sepalwidthcm", "petallengthcm", "petalwidthcm"})),
    # (pickuplon ...: the BigQuery extracts' names; trip-duration sets share the long names, not the fare)
    "nyc_taxi_fare": (frozenset({"fareamount"}), frozenset({"pickuplon", "pickuplat", "dropofflon", "dropofflat"})),
    "unsw_nb15": (frozenset({"attackcat", "ctstatettl", "ctsrvsrc", "ctdstsportltm"}),
                  frozenset({"sbytes", "dbytes", "sttl", "dttl", "sloss", "dloss", "sinpkt", "dinpkt", "sjit",
                             "djit", "stcpb", "dtcpb"})),
    "twitter_airline_sentiment": (frozenset({"airlinesentiment", "airlinesentimentconfidence", "negativereason"}),
                                  frozenset()),
    # "Adj Close" is the column of Yahoo Finance's price downloads
    YAHOO_FINANCE: (frozenset({"adjclose"}), frozenset()),
}


def dataset_from_columns(columns: set[str]) -> str | None:
    """A benchmark named by the column names a script reads (``medv``, ``lstat`` -> ``boston_housing``).

    Args:
        columns: string literals used as column keys (any case or punctuation).

    Returns:
        The canonical name, or None when no signature is met.
    """
    keys = {norm(c) for c in columns}
    for name, (distinctive, ordinary) in COLUMN_SIGNATURES.items():
        if keys & distinctive or len(keys & ordinary) >= 3:
            return name
    return None


def default_task(dataset: str) -> str | None:
    """The task a dataset is usually used for (``mnist`` -> ``image_classification``)."""
    entry = DATASETS.get(dataset)
    return entry[0] if entry else None


# ---------------------------------------------------------------------------
# Datasets in people's words: the question side (``index.understand``) and the
# gloss embedded with each summary (``index.text``) read these, keyed by the
# canonical names above, so a dataset is listed once (tests hold the keys to
# :data:`DATASETS`).


@dataclass(frozen=True)
class InWords:
    """How people write about one dataset.

    Attributes:
        gloss: a description embedded with each summary of it ("" = its name).
            Changing one changes the embedded texts: the index must be rebuilt.
        names: phrases that name exactly it in a question, beyond its canonical
            name and one-word spellings ("street view house numbers").
        hints: phrases that suggest it without naming it ("movie reviews").
    """

    gloss: str = ""
    names: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()


IN_WORDS: dict[str, InWords] = {
    "mnist": InWords("MNIST handwritten digits", ("mnist digits",)),
    "fashion_mnist": InWords("Fashion-MNIST clothing images", ("fashion mnist", "mnist fashion"),
                             ("clothing", "clothes", "fashion items")),
    "emnist": InWords("EMNIST handwritten letters"),
    "kmnist": InWords("KMNIST Japanese characters"),
    "cifar10": InWords("CIFAR-10 small color images"),
    "cifar100": InWords("CIFAR-100 small color images"),
    "svhn": InWords("SVHN street view house numbers", ("street view house numbers",), ("house numbers",)),
    "stl10": InWords("STL-10 images"),
    "imagenet": InWords("ImageNet images"),
    "coco": InWords("COCO objects", ("ms coco",)),
    "voc": InWords("Pascal VOC objects", ("pascal voc", "pascal")),
    "celeba": InWords("CelebA celebrity faces", (), ("celebrity faces",)),
    "cats_vs_dogs": InWords("cats vs dogs images", ("cats vs dogs", "cats and dogs", "dogs vs cats")),
    "flowers": InWords("flower photos", ("tf flowers",)),
    "oxford_flowers102": InWords("", ("oxford flowers",)),
    "omniglot": InWords("Omniglot characters"),
    "lsun": InWords("LSUN scenes"),
    "cityscapes": InWords("Cityscapes street scenes"),
    "imdb": InWords("IMDB movie reviews sentiment", (), ("movie reviews", "movie review")),
    "reuters": InWords("Reuters newswire topics", (), ("newswire",)),
    "ag_news": InWords("AG News articles"),
    "sst2": InWords("SST-2 Stanford sentiment treebank", ("sst", "stanford sentiment treebank")),
    "yelp": InWords("Yelp reviews"),
    "20newsgroups": InWords("20 Newsgroups posts", ("20 newsgroups", "twenty newsgroups", "newsgroups")),
    "ptb": InWords("Penn Treebank text", ("penn treebank",)),
    "wikitext2": InWords("WikiText-2 text", ("wikitext",)),
    "shakespeare": InWords("Shakespeare text", ("tiny shakespeare",)),
    "squad": InWords("SQuAD questions and answers"),
    "multi30k": InWords("Multi30k translation pairs"),
    "wmt14": InWords("WMT14 translation"),
    "wmt16": InWords("WMT16 translation"),
    "conll2003": InWords("CoNLL-2003 named entities", ("conll",)),
    "boston_housing": InWords("Boston housing prices", ("boston",)),
    "california_housing": InWords("California housing prices"),
    "house_prices": InWords("", ("kaggle house prices", "house prices advanced regression")),
    "iris": InWords("Iris flowers"),
    "titanic": InWords("Titanic passengers survival"),
    "wine": InWords("wine quality", ("wine dataset",)),
    "wine_quality": InWords("", ("wine quality",)),
    "diabetes": InWords("diabetes"),
    "pima_diabetes": InWords("", ("pima indians diabetes", "pima")),
    "breast_cancer": InWords("breast cancer"),
    "adult": InWords("Adult census income", ("adult census", "census income")),
    "speech_commands": InWords("Speech Commands spoken words", (), ("spoken commands",)),
    "librispeech": InWords("LibriSpeech spoken audio"),
    "timit": InWords("TIMIT speech"),
    "urbansound8k": InWords("UrbanSound8K sounds", ("urban sound", "urbansound")),
    "esc50": InWords("ESC-50 environmental sounds"),
    "audioset": InWords("AudioSet sound events", ("audio set",)),
    "msd_spleen": InWords("spleen CT scans (Medical Segmentation Decathlon)", ("medical segmentation decathlon",),
                          ("spleen",)),
    "pems": InWords("PeMS traffic flow", ("pems traffic",), ("traffic flow",)),
    "lm1b": InWords("One Billion Word benchmark", ("one billion word",)),
    "lcqmc": InWords("LCQMC Chinese question matching"),
    "movielens": InWords("MovieLens ratings", ("movie lens",), ("movie ratings",)),
    "cora": InWords("Cora citation graph"),
    "citeseer": InWords("CiteSeer citation graph"),
    "yahoo_finance": InWords("stock market prices", ("yahoo finance", "yfinance"), ("stock prices", "stock price")),
    "airline_passengers": InWords("airline passengers"),
    "jena_climate": InWords("Jena climate weather", ("jena",)),
    "cartpole": InWords("CartPole game", ("cart pole",), ("balance a pole",)),
    "atari": InWords("Atari games", ("pong", "breakout")),
    "synthetic": InWords("synthetic generated data"),
    "custom": InWords("custom local data"),
    "auto_mpg": InWords("", (), ("fuel efficiency", "mpg")),
    "sms_spam": InWords("", (), ("spam",)),
    "jigsaw_toxic": InWords("", (), ("toxic comments",)),
    "gtsrb": InWords("", ("german traffic signs",), ("traffic signs",)),
    "chest_xray": InWords("", (), ("x ray", "x rays", "chest x rays", "pneumonia")),
    "fer2013": InWords("", (), ("facial expressions",)),
    "gtzan": InWords("", (), ("music genres", "music genre")),
    "credit_card_fraud": InWords("", (), ("credit card",)),
    "anime_faces": InWords("", (), ("anime faces",)),
    "tiny_imagenet": InWords("", ("tiny imagenet",)),
    "moa": InWords("Mechanisms of Action (MoA) drug responses", ("mechanisms of action",)),
    "nyc_taxi_fare": InWords("NYC taxi fares", ("nyc taxi fare", "new york taxi fare"), ("taxi fares", "taxi fare")),
    "unsw_nb15": InWords("UNSW-NB15 network intrusions", ("unsw nb15",), ("network intrusions", "intrusion detection")),
    "census_income_kdd": InWords("Census-Income (KDD) records", ("census income kdd",)),
    "dcase2020_task2": InWords("DCASE 2020 machine sounds", ("dcase 2020",), ("machine sounds",)),
    "vqa_v2": InWords("VQA v2 visual questions", ("vqa v2",), ("visual question answering",)),
    "mednist": InWords("MedNIST medical images"),
    "feidegger": InWords("FEIDEGGER dresses with German descriptions"),
}


# Canonical names that are ordinary words: in a new question they mean the word
# ("classify handwritten digits" is not the sklearn digits set); said as a
# refinement of the chat ("on digits instead") they still name the dataset.
PLAIN_WORDS = frozenset({
    "adult", "alice", "blackjack", "churn", "cola", "digits", "emotion", "enzymes", "heart", "insurance",
    "kinetics", "malaria", "mushroom", "pendulum", "proteins", "sonar", "sunspots", "taxi", "wine", "zinc",
    "glue", "flowers", "diabetes", "ett", "concrete", "glass", "sarcasm", "facades", "places", "higgs",
    "custom", "synthetic",
})

@dataclass(frozen=True)
class Family:
    """Datasets that answer the same question: asked for one, the others are the next best.

    Attributes:
        label: the family in words, for answers ("house-price datasets").
        members: canonical datasets, the most typical first.
        phrases: words that mean the family rather than one member ("house prices").
    """

    label: str
    members: tuple[str, ...]
    phrases: tuple[str, ...] = ()


FAMILIES: dict[str, Family] = {
    "house_prices": Family("house-price datasets", ("house_prices", "california_housing", "boston_housing"),
                           ("house prices", "house price", "housing prices", "housing price", "home prices",
                            "house sale prices", "price of a house", "king county", "kc house", "real estate")),
    "titanic": Family("Titanic passenger data", ("titanic",),
                      ("survived", "survive", "survival", "passenger survived", "passengers survived",
                       "titanic passengers")),
    "handwritten_digits": Family("handwritten-digit datasets (MNIST and its variants)",
                                 ("mnist", "emnist", "kmnist", "qmnist", "usps", "mnist_m", "digits", "notmnist"),
                                 ("handwritten digits", "handwritten digit", "digits", "handwriting")),
    "fashion": Family("clothing images", ("fashion_mnist",)),
    "cifar": Family("CIFAR datasets", ("cifar10", "cifar100"), ("cifar",)),
    "imagenet": Family("ImageNet and its subsets", ("imagenet", "tiny_imagenet", "imagenette")),
    "flowers": Family("flower photo datasets", ("flowers", "oxford_flowers102", "oxford_flowers17", "flowers104")),
    "pets": Family("cat and dog photos", ("cats_vs_dogs", "oxford_pets", "stanford_dogs"),
                   ("cats", "dogs", "pets", "dog breeds")),
    "faces": Family("face datasets", ("celeba", "ffhq", "lfw", "olivetti_faces", "utkface", "anime_faces"),
                    ("faces",)),
    "reviews": Family("review sentiment datasets",
                      ("imdb", "sst2", "rotten_tomatoes", "yelp", "amazon_reviews", "sentiment140", "nsmc"),
                      ("reviews", "product reviews", "customer reviews")),
    "news": Family("news topic datasets", ("ag_news", "reuters", "20newsgroups", "bbc_news", "dbpedia", "news_category",
                                           "news_aggregator"),
                   ("news articles", "news topics")),
    "translation": Family("translation pairs",
                          ("wmt14", "wmt16", "multi30k", "iwslt", "fra_eng", "spa_eng", "deu_eng", "opus_books",
                           "europarl"),
                          ("wmt",)),
    "text_corpora": Family("language-modeling corpora",
                           ("ptb", "wikitext2", "wikitext103", "enwik8", "text8", "tinystories", "openwebtext",
                            "bookcorpus", "simplebooks")),
    "books": Family("books for character-level text", ("shakespeare", "nietzsche", "alice", "anna_karenina",
                                                       "war_and_peace")),
    "qa": Family("question-answering datasets", ("squad", "triviaqa", "coqa", "babi")),
    "ner": Family("tagged-text datasets", ("conll2003", "conll2000", "ontonotes", "wnut17", "gmb_ner", "udpos")),
    "speech": Family("speech datasets", ("librispeech", "timit", "common_voice", "ljspeech")),
    "spoken_words": Family("spoken-word datasets", ("speech_commands", "free_spoken_digit"),
                           ("spoken digits",)),
    "sounds": Family("sound datasets", ("esc50", "urbansound8k"), ("environmental sounds", "urban sounds")),
    "wine": Family("wine datasets", ("wine", "wine_quality")),
    "diabetes": Family("diabetes datasets", ("pima_diabetes", "diabetes")),
    "citation_graphs": Family("citation graphs", ("cora", "citeseer", "pubmed", "ogbn_arxiv"),
                              ("citation graph", "citation network")),
    "molecules": Family("molecule graphs", ("qm9", "zinc", "mutag", "proteins", "enzymes", "moleculenet_hiv",
                                            "ogbg_molhiv"), ("molecules",)),
    "census": Family("census income datasets", ("adult", "census_income_kdd")),
    "classic_control": Family("classic-control games",
                              ("cartpole", "mountain_car", "acrobot", "pendulum", "lunar_lander")),
    "ratings": Family("rating datasets", ("movielens", "goodbooks", "netflix_prize")),
    "weather": Family("weather series", ("jena_climate", "daily_min_temperatures"),
                      ("weather", "temperature")),
}


@lru_cache(maxsize=1)
def _family_of() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, fam in FAMILIES.items():
        for member in fam.members:
            out.setdefault(member, name)
    return out


def family_of(dataset: str) -> Family | None:
    """The family of a canonical dataset (``california_housing`` -> the house-price datasets), or None."""
    name = _family_of().get(dataset)
    return FAMILIES[name] if name else None


def question_names(dataset: str) -> tuple[str, ...]:
    """Phrases that name a dataset in a question: its canonical name in words, the
    names of :data:`IN_WORDS`, and its one-word spellings of four letters or more
    that are not ordinary words in code (``fashionmnist``, ``kuzushiji``; not
    ``fashion``). Spellings with separators are file and folder names
    (``cell_images``), not what people ask for.
    """
    _task, spellings = DATASETS[dataset]
    words = IN_WORDS.get(dataset, InWords())
    one_word = [s for s in spellings
                if re.fullmatch(r"[a-z0-9]+", s.lower()) and len(s) >= _TEXT_MIN and s.lower() not in _TEXT_STOP]
    return tuple(dict.fromkeys((dataset.replace("_", " "), *words.names, *one_word)))

def gloss(dataset: str) -> str:
    """The words embedded for a dataset: its gloss, else its name (``auto_mpg`` -> ``auto mpg``)."""
    words = IN_WORDS.get(dataset)
    return words.gloss if words and words.gloss else dataset.replace("_", " ")


_GYM_VERSION = re.compile(r"(-v\d+|noframeskip|deterministic|ramdisk|ram)", re.I)
# D4RL's environment ids: a task and the data collected on it (``halfcheetah-medium-replay``, ``antmaze-umaze``)
_D4RL_ENV = re.compile(r"(?:hopper|halfcheetah|walker2d|ant|antmaze|maze2d|kitchen|pen|hammer|door|relocate)-"
                       r"(?:random|medium|expert|replay|full|umaze|large|complete|partial|mixed|human|cloned|open|diverse|"
                       r"play|dense|-)+")


def gym_dataset(env_id: str) -> str:
    """A gym environment id -> dataset name: ``CartPole-v1`` -> ``cartpole``, ``PongNoFrameskip-v4`` -> ``atari``."""
    if env_id.lower().startswith("ale/"):
        return "atari"
    base = _GYM_VERSION.sub("", env_id.rsplit("/", 1)[-1])
    if _D4RL_ENV.fullmatch(base.lower()):
        return "d4rl"  # ``gym.make("hopper-medium-v2")``: an environment D4RL registers with its offline data
    key = norm(base)
    if key in ATARI_GAMES:
        return "atari"
    known = _alias_table().get(key)
    if known and DATASETS[known][0] == "reinforcement_learning":
        return known
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower().replace("-", "_") or "custom"


# Spellings shorter than this are ambiguous in free text ("fer", "rps",
# "ppi", "voc"); loader calls still read them.
_TEXT_MIN = 4
# Spellings that are ordinary words in code: never matched in free text.
_TEXT_STOP = frozenset({
    "fashion", "boston", "places", "emotion", "alice", "wonderland", "proteins", "taxi", "pendulum",
    "hopper", "swimmer", "reacher", "humanoid", "cola", "sst", "glue", "trec", "heart", "wine",
    "adult", "insurance", "newsgroups", "karate", "shampoo", "pima", "netflix", "olivetti", "jigsaw",
    "fer", "mushrooms", "churn", "sonar", "cleveland", "shakespeare_input", "zinc", "digits",
    "kinetics", "diabetes", "flowers", "pubmed", "iris", "centipede", "gopher", "atlantis", "pong",
    "concrete", "glass", "sarcasm", "vggface", "hotdog",
    # words of everyday paths and prose ("full simplified", nature.com/.../nature_100, /kaggle/input/kaggle_dog)
    "full_simplified", "nature_100", "kaggle_dog",
})


@lru_cache(maxsize=1)
def _text_table() -> tuple[dict[str, str], dict[str, int]]:
    """Spellings trusted in free text, as joined tokens -> canonical, and, for each
    first token of a spelling, the most tokens a spelling starting with it has."""
    table: dict[str, str] = {}
    first: dict[str, int] = {}
    for canonical, (_task, aliases) in DATASETS.items():
        if canonical in (SYNTHETIC, CUSTOM, YAHOO_FINANCE):
            continue
        for s in (canonical, *aliases):
            key = norm(s)
            if len(key) < _TEXT_MIN or s.lower() in _TEXT_STOP or key in _TEXT_STOP:
                continue
            table.setdefault(key, canonical)
            toks = _TOKENS.findall(_CAMEL.sub(" ", s).lower())
            if toks:
                first[toks[0]] = max(first.get(toks[0], 1), len(toks))
            # a spelling written as one word may be split in text (PetImages -> pet images,
            # cifar10 -> cifar 10): any prefix of it may start a match
            for j in range(2, len(key) + 1):
                first[key[:j]] = max(first.get(key[:j], 1), _MOST_TOKENS)
    return table, first


_MOST_TOKENS = 8


_TOKENS = re.compile(r"[a-z]+|[0-9]+")
# CarvanaSet -> Carvana Set, MNISTDataset -> MNIST Dataset, CIFAR10Data -> CIFAR10 Data
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def find_in_text(text: str) -> list[str]:
    """Canonical datasets named in free text (a path, URL, string or comment), in order.

    Matches whole spellings only (``voc`` never matches ``vocab``) and prefers
    the longest (``fashion_mnist`` is not also ``mnist``). Text is read as
    tokens (runs of letters, runs of digits), so ``cifar-10``, ``cifar_10``
    and ``CIFAR10`` all match; ``mnist2`` matches ``mnist`` but ``mnistm`` does not.
    """
    if len(text) <= 200:
        return list(_find_short(text))
    return _find(text)


@lru_cache(maxsize=8192)
def _find_short(text: str) -> tuple[str, ...]:
    # call names and paths repeat across a corpus: remember them
    found = _find(text)
    if "mnist" in found and not any(c.isspace() for c in text.strip()) and FASHION_FOLDER.search(text):
        # a path to MNIST's file format in a folder named for Fashion-MNIST
        # (``data/fashion/train-images-idx3-ubyte.gz``): Fashion-MNIST, in MNIST's format
        found = ["fashion_mnist" if n == "mnist" else n for n in found]
        found = list(dict.fromkeys(found))
    return tuple(found)


# a folder named for Fashion-MNIST, whose files come in MNIST's own format (``data/fashion/``)
FASHION_FOLDER = re.compile(r"(?i)(?:^|[/\\])fashion(?:[/\\]|$)")


def _find(text: str) -> list[str]:
    out: list[str] = []
    for canonical, _start, _end, _tokens in _spans(text):
        if canonical not in out:
            out.append(canonical)
    return out


def _spans(text: str) -> list[tuple[str, int, int, list[str]]]:
    """Each dataset spelling in ``text``: (canonical, first token, end token, all tokens)."""
    if not text:
        return []
    table, first = _text_table()
    tokens = _tokens(text)
    out: list[tuple[str, int, int, list[str]]] = []
    i, n = 0, len(tokens)
    while i < n:
        most = first.get(tokens[i])
        if most is None:  # no spelling starts with this token: the common case
            i += 1
            continue
        # the longest spelling made of tokens i, i+1, ...: every longer run of tokens that
        # may still spell one is a prefix of a spelling (``first`` holds those prefixes)
        limit = min(most, n - i)
        acc = tokens[i]
        hit = table.get(acc)
        k_hit = k = 1
        while k < limit:
            acc += tokens[i + k]
            k += 1
            if acc not in first:
                break
            canonical = table.get(acc)
            if canonical:
                hit, k_hit = canonical, k
        if hit:
            out.append((hit, i, i + k_hit, tokens))
            i += k_hit
        else:
            i += 1
    return out


# The tokens of ASCII text in one pass: what _CAMEL + lower() + _TOKENS give.
_ASCII_TOKENS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _tokens(text: str) -> list[str]:
    """``MNISTDataset_v2`` -> ``mnist dataset v 2``: camelCase split, lower case, letters and digits apart."""
    if text.isascii():
        return " ".join(_ASCII_TOKENS.findall(text)).lower().split()
    # (lower() may turn a non-ASCII letter into an ASCII one, so split it the long way)
    return _TOKENS.findall(_CAMEL.sub(" ", text).lower())


# Words that, next to a dataset's name in prose, say it is the data ("the MNIST
# dataset", "download CIFAR-10"); "the Higgs decay modes" names no data.
_DATA_WORDS = frozenset({
    "data", "dataset", "datasets", "set", "benchmark", "corpus", "images", "kaggle", "uci", "download",
    "downloaded", "load", "loads", "loading", "loaded", "csv", "database", "challenge", "competition", "reviews",
    "use", "using", "uses",
})
_DATA_WINDOW = 3
# Any data word anywhere in the lower-cased text (a token of the text is a part of it):
# prose without one names no data, and most comments have none.
_ANY_DATA_WORD = re.compile("|".join(sorted(_DATA_WORDS)))


def find_as_data_in_prose(text: str) -> list[str]:
    """Datasets named in prose (comments, docstrings, Markdown) next to a word that says they are data.

    Args:
        text: free text.

    Returns:
        Canonical names, in order; ``the Higgs decay`` gives none, ``the MNIST dataset`` gives mnist.
    """
    text = text[:20000]
    if not _ANY_DATA_WORD.search(text.lower()):
        return []
    out: list[str] = []
    for canonical, start, end, tokens in _spans(text):
        near = tokens[max(0, start - _DATA_WINDOW):start] + tokens[end:end + _DATA_WINDOW]
        if canonical not in out and not _DATA_WORDS.isdisjoint(near):
            out.append(canonical)
    return out
