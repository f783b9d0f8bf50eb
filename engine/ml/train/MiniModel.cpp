#include "engine/ml/train/MiniModel.h"

namespace limner::engine::ml::train {

nlohmann::json MiniModel::textEncoder(std::int64_t vocabSize, std::int64_t bosId, std::int64_t eosId,
                                      std::int64_t padId) {
    return {{"architectures", {"CLIPTextModelWithProjection"}},
            {"attention_dropout", 0.0},
            {"bos_token_id", bosId},
            {"eos_token_id", eosId},
            {"hidden_act", "quick_gelu"},
            {"hidden_size", kEmbedding},
            {"initializer_factor", 1.0},
            {"initializer_range", 0.02},
            {"intermediate_size", 4 * kEmbedding},
            {"layer_norm_eps", 1e-05},
            {"max_position_embeddings", kTokens},
            {"model_type", "clip_text_model"},
            {"num_attention_heads", 4},
            {"num_hidden_layers", 4},
            {"pad_token_id", padId},
            {"projection_dim", kEmbedding},
            {"torch_dtype", "float32"},
            {"transformers_version", "4.36.0"},
            {"vocab_size", vocabSize}};
}

nlohmann::json MiniModel::imageEncoder() {
    return {{"architectures", {"CLIPVisionModelWithProjection"}},
            {"attention_dropout", 0.0},
            {"hidden_act", "quick_gelu"},
            {"hidden_size", kEmbedding},
            {"image_size", kImageSize},
            {"initializer_factor", 1.0},
            {"initializer_range", 0.02},
            {"intermediate_size", 4 * kEmbedding},
            {"layer_norm_eps", 1e-05},
            {"model_type", "clip_vision_model"},
            {"num_attention_heads", 4},
            {"num_channels", 3},
            {"num_hidden_layers", 4},
            {"patch_size", 8},
            {"projection_dim", kEmbedding},
            {"torch_dtype", "float32"},
            {"transformers_version", "4.36.0"}};
}

nlohmann::json MiniModel::imageProcessor() {
    return {{"crop_size", {{"height", kImageSize}, {"width", kImageSize}}},
            {"do_center_crop", true},
            {"do_convert_rgb", true},
            {"do_normalize", true},
            {"do_rescale", true},
            {"do_resize", true},
            {"image_mean", {0.48145466, 0.4578275, 0.40821073}},
            {"image_processor_type", "CLIPImageProcessor"},
            {"image_std", {0.26862954, 0.26130258, 0.27577711}},
            {"resample", 3},
            {"rescale_factor", 1.0 / 255.0},
            {"size", {{"shortest_edge", kImageSize}}}};
}

nlohmann::json MiniModel::prior() {
    return {{"_class_name", "PriorTransformer"},
            {"_diffusers_version", "0.25.1"},
            {"added_emb_type", "prd"},
            {"additional_embeddings", 4},
            {"attention_head_dim", 16},
            {"clip_embed_dim", nullptr},
            {"dropout", 0.0},
            {"embedding_dim", kEmbedding},
            {"embedding_proj_dim", nullptr},
            {"embedding_proj_norm_type", nullptr},
            {"encoder_hid_proj_type", "linear"},
            {"norm_in_type", nullptr},
            {"num_attention_heads", 8},
            {"num_embeddings", kTokens},
            {"num_layers", 4},
            {"time_embed_act_fn", "silu"},
            {"time_embed_dim", nullptr}};
}

nlohmann::json MiniModel::priorScheduler() {
    return {{"_class_name", "UnCLIPScheduler"},
            {"_diffusers_version", "0.25.1"},
            {"beta_schedule", "squaredcos_cap_v2"},
            {"clip_sample", true},
            {"clip_sample_range", 10.0},
            {"num_train_timesteps", 1000},
            {"prediction_type", "sample"},
            {"variance_type", "fixed_small_log"}};
}

nlohmann::json MiniModel::movq() {
    return {{"_class_name", "VQModel"},
            {"_diffusers_version", "0.25.1"},
            {"act_fn", "silu"},
            {"block_out_channels", {32, 32, 64, 64}},
            {"down_block_types",
             {"DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"}},
            {"force_upcast", false},
            {"in_channels", 3},
            {"latent_channels", kLatentChannels},
            {"layers_per_block", 1},
            {"lookup_from_codebook", false},
            {"mid_block_add_attention", true},
            {"norm_num_groups", 8},
            {"norm_type", "spatial"},
            {"num_vq_embeddings", 64},
            {"out_channels", 3},
            {"sample_size", 128},
            {"scaling_factor", 1.0},
            {"up_block_types",
             {"UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"}},
            {"vq_embed_dim", kLatentChannels}};
}

nlohmann::json MiniModel::unet() {
    return {{"_class_name", "UNet2DConditionModel"},
            {"_diffusers_version", "0.25.1"},
            {"act_fn", "silu"},
            {"addition_embed_type", "image"},
            {"addition_embed_type_num_heads", 64},
            {"addition_time_embed_dim", nullptr},
            {"attention_head_dim", 24},
            {"attention_type", "default"},
            {"block_out_channels", {48, 96, 96}},
            {"center_input_sample", false},
            {"class_embed_type", nullptr},
            {"class_embeddings_concat", false},
            {"conv_in_kernel", 3},
            {"conv_out_kernel", 3},
            {"cross_attention_dim", 96},
            {"cross_attention_norm", nullptr},
            {"down_block_types",
             {"ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D"}},
            {"downsample_padding", 1},
            {"dropout", 0.0},
            {"dual_cross_attention", false},
            {"encoder_hid_dim", kEmbedding},
            {"encoder_hid_dim_type", "image_proj"},
            {"flip_sin_to_cos", true},
            {"freq_shift", 0},
            {"in_channels", 2 * kLatentChannels + 1},
            {"layers_per_block", 1},
            {"mid_block_only_cross_attention", nullptr},
            {"mid_block_scale_factor", 1},
            {"mid_block_type", "UNetMidBlock2DSimpleCrossAttn"},
            {"norm_eps", 1e-05},
            {"norm_num_groups", 16},
            {"num_attention_heads", nullptr},
            {"num_class_embeds", nullptr},
            {"only_cross_attention", false},
            {"out_channels", kLatentChannels},
            {"projection_class_embeddings_input_dim", nullptr},
            {"resnet_out_scale_factor", 1.0},
            {"resnet_skip_time_act", false},
            {"resnet_time_scale_shift", "scale_shift"},
            {"reverse_transformer_layers_per_block", nullptr},
            {"sample_size", kLatentSide},
            {"time_cond_proj_dim", nullptr},
            {"time_embedding_act_fn", nullptr},
            {"time_embedding_dim", nullptr},
            {"time_embedding_type", "positional"},
            {"timestep_post_act", nullptr},
            {"transformer_layers_per_block", 1},
            {"up_block_types",
             {"SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"}},
            {"upcast_attention", false},
            {"use_linear_projection", false}};
}

nlohmann::json MiniModel::scheduler() {
    return {{"_class_name", "DDIMScheduler"},
            {"_diffusers_version", "0.25.1"},
            {"beta_end", 0.012},
            {"beta_schedule", "linear"},
            {"beta_start", 0.00085},
            {"clip_sample", false},
            {"clip_sample_range", 1.0},
            {"dynamic_thresholding_ratio", 0.995},
            {"num_train_timesteps", 1000},
            {"prediction_type", "v_prediction"},
            {"rescale_betas_zero_snr", false},
            {"sample_max_value", 1.0},
            {"set_alpha_to_one", false},
            {"steps_offset", 1},
            {"thresholding", false},
            {"timestep_spacing", "leading"},
            {"trained_betas", nullptr}};
}

nlohmann::json MiniModel::modelIndex() {
    return {{"_class_name", "KandinskyV22InpaintCombinedPipeline"},
            {"_diffusers_version", "0.25.1"},
            {"movq", {"diffusers", "VQModel"}},
            {"prior_image_encoder", {"transformers", "CLIPVisionModelWithProjection"}},
            {"prior_image_processor", {"transformers", "CLIPImageProcessor"}},
            {"prior_prior", {"diffusers", "PriorTransformer"}},
            {"prior_scheduler", {"diffusers", "UnCLIPScheduler"}},
            {"prior_text_encoder", {"transformers", "CLIPTextModelWithProjection"}},
            {"prior_tokenizer", {"transformers", "CLIPTokenizer"}},
            {"scheduler", {"diffusers", "DDIMScheduler"}},
            {"unet", {"diffusers", "UNet2DConditionModel"}}};
}

} // namespace limner::engine::ml::train
