// The Telegram Bot API objects Parley produces, with the fields grammY and telegraf read
// (https://core.telegram.org/bots/api#available-types).

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username: string;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
}

export interface TgChat {
  id: number;
  type: "private" | "group";
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgMessage {
  message_id: number;
  from: TgUser;
  chat: TgChat;
  /** seconds */
  date: number;
  edit_date?: number;
  text?: string;
  reply_to_message?: TgMessage;
  new_chat_members?: TgUser[];
  left_chat_member?: TgUser;
}

type TgReaction = { type: "emoji"; emoji: string };

export type TgUpdate = { update_id: number } & (
  | { message: TgMessage }
  | { edited_message: TgMessage }
  | {
      message_reaction: {
        chat: TgChat;
        message_id: number;
        user: TgUser;
        date: number;
        old_reaction: TgReaction[];
        new_reaction: TgReaction[];
      };
    }
);
